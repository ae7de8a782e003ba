import type { RouteHandler } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { getDb } from "../../db/client";
import { batches, labels, organizations } from "../../db/schema";
import { auditStatementWhen } from "../../lib/audit";
import { clientKeyOf } from "../../lib/client-context";
import { prepareAll } from "../../lib/d1-group-batch";
import { prefectureAt, roundToKilometre } from "../../lib/geo";
import { newId } from "../../lib/ids";
import { verifyLabelCode } from "../../lib/label-code";
import { labelKeys } from "../../lib/label-links";
import { parseScanInput } from "../../lib/label-url";
import type { RuleHit, RuleId } from "../../lib/risk";
import { optionalClaims } from "../../middleware/auth";
import { runFenced } from "../../middleware/idempotency";
import type { AppEnv } from "../../types";
import { loadRiskSettings } from "../risk-settings/risk-settings-store";
import { type AlertRaise, alertUpsertStatements } from "../scans/scan-store";
import type * as routes from "./reports.routes";

// A consumer's report is no risk rule of the scan path (nothing evaluates it on scans), but its
// alerts share the scan path's upsert and cooldown, whose hit type names the rule as a RuleId.
const CONSUMER_REPORT = "consumer_report" as string as RuleId;
const REPORTED_CODE_MAX = 128;
const EXCERPT_MAX = 200;

type ReportedLabel = {
  code: string;
  batchId: string;
  authorizationId: string;
  organizationId: string;
  regionCode: string;
};

/**
 * The label a report names, when its code passes the tag check (as on the scan path: a forged
 * code never reaches the labels table) and exists; a Digital Link must name its own GTIN and lot.
 */
async function reportedLabel(c: Context<AppEnv>, raw: string): Promise<ReportedLabel | null> {
  const input = parseScanInput(raw);
  const candidate =
    input.kind === "code" ? input.code : input.kind === "digital_link" ? input.serial : null;
  const verified = candidate ? await verifyLabelCode(candidate, labelKeys(c.env).keys) : null;
  if (!verified?.ok) return null;
  const [row] = await getDb(c.env.DB)
    .select({
      code: labels.code,
      batchId: batches.id,
      authorizationId: batches.authorizationId,
      organizationId: organizations.id,
      regionCode: organizations.regionCode,
      gtin: batches.gtin,
      lotCode: batches.lotCode,
    })
    .from(labels)
    .innerJoin(batches, eq(batches.id, labels.batchId))
    .innerJoin(organizations, eq(organizations.id, batches.organizationId))
    .where(eq(labels.code, verified.code));
  if (!row) return null;
  if (input.kind === "digital_link" && (row.gtin !== input.gtin14 || row.lotCode !== input.lot)) {
    return null;
  }
  return row;
}

/** The prefecture of the platform's IP geolocation, when the device gave no coordinates. */
function ipPrefecture(c: Context<AppEnv>): string | null {
  const cf = (c.req.raw as Request & { cf?: { latitude?: string; longitude?: string } }).cf;
  const lat = Number(cf?.latitude);
  const lng = Number(cf?.longitude);
  if (!cf?.latitude || !cf?.longitude || !Number.isFinite(lat) || !Number.isFinite(lng))
    return null;
  const rounded = roundToKilometre(lat, lng);
  return prefectureAt(rounded.lat, rounded.lng);
}

export const create: RouteHandler<typeof routes.create, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const claims = await optionalClaims(c);
  const clientKey = await clientKeyOf(c.env.CLIENT_ID_PEPPER, {
    userId: claims?.sub,
    clientId: body.client_id,
    ip: c.req.header("CF-Connecting-IP"),
  });
  const point =
    body.lat !== undefined && body.lng !== undefined ? roundToKilometre(body.lat, body.lng) : null;
  // The IP's place routes the alert to a bureau but is not stored as the report's coordinates.
  const prefecture = point ? prefectureAt(point.lat, point.lng) : ipPrefecture(c);
  const [settings, label] = await Promise.all([
    loadRiskSettings(c.env.DB),
    body.code ? reportedLabel(c, body.code) : Promise.resolve(null),
  ]);

  const id = newId("rpt");
  const at = new Date().toISOString();
  const hit: RuleHit = {
    rule: CONSUMER_REPORT,
    verdict: "suspicious",
    severity: "medium",
    alert: true,
    subject: label ? "label" : "region",
    detail: {
      report_id: id,
      description: body.description.slice(0, EXCERPT_MAX),
      reported_code: label ? label.code : (body.code?.slice(0, REPORTED_CODE_MAX) ?? null),
      code_known: label !== null,
    },
  };
  const raise: AlertRaise = label
    ? {
        hit,
        subjectType: "label",
        subjectId: label.code,
        labelCode: label.code,
        batchId: label.batchId,
        authorizationId: label.authorizationId,
        organizationId: label.organizationId,
        regionCode: label.regionCode,
        scanRegionCode: prefecture,
      }
    : {
        hit,
        subjectType: "region",
        subjectId: prefecture ?? "unknown",
        labelCode: null,
        batchId: null,
        authorizationId: null,
        organizationId: null,
        regionCode: null,
        scanRegionCode: prefecture,
      };
  const cooldownStart = new Date(
    Date.parse(at) - settings.general.alert_cooldown_minutes * 60_000,
  ).toISOString();

  const d1 = c.env.DB;
  await runFenced(c, [
    d1
      .prepare(
        `INSERT INTO reports (id, label_code, description, lat, lng, region_code, client_key, user_id, status, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'new', ?)`,
      )
      .bind(
        id,
        label?.code ?? null,
        body.description,
        point?.lat ?? null,
        point?.lng ?? null,
        prefecture,
        clientKey,
        claims?.sub ?? null,
        at,
      ),
    ...prepareAll(d1, alertUpsertStatements(raise, at, cooldownStart)),
    auditStatementWhen(
      c,
      {
        action: "report.create",
        targetType: "report",
        targetId: id,
        after: {
          label_code: label?.code ?? null,
          region_code: prefecture,
          alert_subject: raise.subjectId,
        },
      },
      { sql: "EXISTS (SELECT 1 FROM reports WHERE id = ?)", params: [id] },
    ),
  ]);
  return c.json({ id, status: "new" as const }, 201);
};

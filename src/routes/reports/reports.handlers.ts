import { and, desc, eq, gte, or, type SQL, sql } from "drizzle-orm";
import type { Context } from "hono";
import { getDb } from "../../db/client";
import { type AlertRaise, alertUpsertStatements } from "../../db/queries/alert-store";
import { auditStatementWhen } from "../../db/queries/audit";
import { attachReportToOpenAlert, insertReport } from "../../db/queries/report-rows";
import { loadRiskSettings } from "../../db/queries/risk-settings";
import { batches, labels, organizations, reports } from "../../db/schema";
import { rowExists } from "../../db/sql";
import { notFound, regionCondition } from "../../lib/access";
import { clientKeyOf, sourceKeyOf } from "../../lib/client-context";
import { prepareAll } from "../../lib/d1-group-batch";
import { prefectureAt, roundToKilometre } from "../../lib/geo";
import { newId } from "../../lib/ids";
import { verifyLabelCode } from "../../lib/label-code";
import { labelKeys } from "../../lib/label-links";
import { parseScanInput } from "../../lib/label-url";
import { afterCursor, toPage } from "../../lib/pagination";
import type { RuleHit } from "../../lib/risk";
import { cooldownStart } from "../../lib/risk/alert-raise";
import { CONSUMER_REPORT, consumerReportSeverity } from "../../lib/risk/settings";
import { type IpGeolocation, ipPosition } from "../../lib/scan-locate";
import { toReportDto } from "../../lib/schemas/report";
import { optionalClaims } from "../../middleware/auth";
import { runFenced } from "../../middleware/idempotency";
import { enforceRateLimit } from "../../middleware/rate-limit";
import type { AppEnv, AppRouteHandler, AuthUser } from "../../types";
import type * as routes from "./reports.routes";

const REPORTED_CODE_MAX = 128;

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
export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const body = c.req.valid("json");
  const claims = await optionalClaims(c);
  const who = {
    userId: claims?.sub,
    clientId: body.client_id,
    ip: c.req.header("CF-Connecting-IP"),
  };
  const [clientKey, sourceKey] = await Promise.all([
    clientKeyOf(c.env.CLIENT_ID_PEPPER, who),
    sourceKeyOf(c.env.CLIENT_ID_PEPPER, who),
  ]);
  await enforceRateLimit(
    c.env.REPORT_RATE_LIMITER,
    [`source:${sourceKey}`, claims ? `user:${claims.sub}` : ""],
    "Too many reports from this address or account; try again in a minute.",
  );
  const point =
    body.lat !== undefined && body.lng !== undefined ? roundToKilometre(body.lat, body.lng) : null;
  // The IP's place routes the alert to a bureau but is not stored as the report's coordinates.
  const ip = point ? null : ipPosition((c.req.raw as Request & { cf?: IpGeolocation }).cf);
  const place = point ?? ip;
  const prefecture = place ? prefectureAt(place.lat, place.lng) : null;
  const [settings, label] = await Promise.all([
    loadRiskSettings(c.env.DB),
    body.code ? reportedLabel(c, body.code) : Promise.resolve(null),
  ]);

  const id = newId("rpt");
  const at = new Date().toISOString();
  const hit: RuleHit = {
    rule: CONSUMER_REPORT,
    verdict: "suspicious",
    severity: consumerReportSeverity,
    alert: true,
    subject: label ? "label" : "region",
    // The reports themselves are kept whole and listed with the alert; its details only say
    // which one came last, so no report overwrites another.
    detail: {
      report_id: id,
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

  const d1 = c.env.DB;
  await runFenced(c, [
    insertReport(d1, {
      id,
      labelCode: label?.code ?? null,
      description: body.description,
      lat: point?.lat ?? null,
      lng: point?.lng ?? null,
      regionCode: prefecture,
      clientKey,
      userId: claims?.sub ?? null,
      organizationId: label?.organizationId ?? null,
      createdAt: at,
    }),
    ...prepareAll(d1, alertUpsertStatements(raise, at, cooldownStart(at, settings))),
    attachReportToOpenAlert(d1, id, { ...raise, rule: CONSUMER_REPORT }),
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
      rowExists(reports.id, id),
    ),
  ]);
  return c.json({ id, status: "new" as const }, 201);
};

/** Reports `user` may read: admin all; producer its own labels'; regulator its regions'. */
function reportScope(user: AuthUser): SQL | undefined {
  switch (user.role) {
    case "admin":
      return undefined;
    case "producer":
      return user.organizationId ? eq(reports.organizationId, user.organizationId) : sql`0`;
    case "regulator":
      return or(
        regionCondition(user.regionCodes, reports.regionCode),
        regionCondition(user.regionCodes, organizations.regionCode),
      );
    default:
      return sql`0`;
  }
}

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const query = c.req.valid("query");
  const rows = await getDb(c.env.DB)
    .select({ report: reports })
    .from(reports)
    .leftJoin(organizations, eq(organizations.id, reports.organizationId))
    .where(
      and(
        reportScope(c.get("user")),
        afterCursor(query.cursor, reports.createdAt, reports.id),
        query.status ? eq(reports.status, query.status) : undefined,
        query.label_code ? eq(reports.labelCode, query.label_code.toUpperCase()) : undefined,
        query.since ? gte(reports.createdAt, new Date(query.since).toISOString()) : undefined,
      ),
    )
    .orderBy(desc(reports.createdAt), desc(reports.id))
    .limit(query.limit + 1);
  return c.json(
    toPage(
      rows,
      query.limit,
      (r) => ({ k: r.report.createdAt, id: r.report.id }),
      (r) => toReportDto(r.report),
    ),
    200,
  );
};

export const get: AppRouteHandler<typeof routes.get> = async (c) => {
  const { id } = c.req.valid("param");
  const [row] = await getDb(c.env.DB)
    .select({ report: reports })
    .from(reports)
    .leftJoin(organizations, eq(organizations.id, reports.organizationId))
    .where(and(eq(reports.id, id), reportScope(c.get("user"))));
  if (!row) throw notFound("report", id);
  return c.json(toReportDto(row.report), 200);
};

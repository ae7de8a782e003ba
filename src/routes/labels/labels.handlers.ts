import { and, eq, inArray } from "drizzle-orm";
import type { Context } from "hono";
import { getDb } from "../../db/client";
import { auditStatementWhen } from "../../db/queries/audit";
import { producerScans } from "../../db/queries/scan-list";
import { scanDatabases } from "../../db/scan-databases";
import { batches, labels, organizations, scans } from "../../db/schema";
import { canEnforce, canRead } from "../../lib/access";
import { chunk } from "../../lib/chunk";
import { ApiError } from "../../lib/errors";
import { normalizeLabelCode } from "../../lib/label-code";
import { labelOrigin, labelUrl } from "../../lib/label-links";
import { labelQrPng, labelQrSvg } from "../../lib/qr";
import type { AppEnv, AppRouteHandler } from "../../types";
import type * as routes from "./labels.routes";

const RECENT_SCANS = 100;

const notFound = (code: string) => new ApiError("not_found", `No label ${code} exists.`);

/** Labels with their batch and producer region, restricted to those the caller may read. */
async function readableLabels(c: Context<AppEnv>, codes: string[]) {
  const user = c.get("user");
  const found = [];
  for (const part of chunk(codes, 90)) {
    found.push(
      ...(await getDb(c.env.DB)
        .select({ label: labels, batch: batches, regionCode: organizations.regionCode })
        .from(labels)
        .innerJoin(batches, eq(batches.id, labels.batchId))
        .innerJoin(organizations, eq(organizations.id, batches.organizationId))
        .where(inArray(labels.code, part))),
    );
  }
  return found.filter((row) =>
    canRead(user, { organizationId: row.batch.organizationId, regionCode: row.regionCode }),
  );
}

async function readableLabel(c: Context<AppEnv>, input: string) {
  const code = normalizeLabelCode(input);
  if (!code) throw notFound(input);
  const [row] = await readableLabels(c, [code]);
  if (!row) throw notFound(code);
  return row;
}

export const get: AppRouteHandler<typeof routes.get> = async (c) => {
  const { label, batch, regionCode } = await readableLabel(c, c.req.valid("param").code);
  const recent = await producerScans(
    scanDatabases(c.env),
    regionCode,
    eq(scans.labelCode, label.code),
    RECENT_SCANS,
  );
  return c.json(
    {
      code: label.code,
      url: labelUrl(labelOrigin(c.env, c.req.url), batch, label.code),
      batch_id: label.batchId,
      status: label.status,
      void_reason: label.voidReason,
      scan_count: label.scanCount,
      first_scan_at: label.firstScanAt,
      first_scan_region: label.firstScanRegion,
      created_at: label.createdAt,
      scans: recent.map((s) => ({
        id: s.id,
        scanned_at: s.scannedAt,
        verdict: s.verdict,
        reasons: s.reasons,
        region_code: s.regionCode,
        lat: s.lat,
        lng: s.lng,
      })),
    },
    200,
  );
};

export const qrSvg: AppRouteHandler<typeof routes.qrSvg> = async (c) => {
  const { label, batch } = await readableLabel(c, c.req.valid("param").code);
  const svg = await labelQrSvg(labelUrl(labelOrigin(c.env, c.req.url), batch, label.code));
  return c.body(svg, 200, {
    "Content-Type": "image/svg+xml",
    "Cache-Control": "private, max-age=86400",
  });
};

export const qrPng: AppRouteHandler<typeof routes.qrPng> = async (c) => {
  const { label, batch } = await readableLabel(c, c.req.valid("param").code);
  const png = await labelQrPng(
    labelUrl(labelOrigin(c.env, c.req.url), batch, label.code),
    c.req.valid("query").scale,
  );
  return c.body(png as unknown as ArrayBuffer, 200, {
    "Content-Type": "image/png",
    "Cache-Control": "private, max-age=86400",
  });
};

export const voidLabels: AppRouteHandler<typeof routes.voidLabels> = async (c) => {
  const { codes: input, reason } = c.req.valid("json");
  const user = c.get("user");
  const normalized = input.map((code) => ({ input: code, code: normalizeLabelCode(code) }));
  const codes = [
    ...new Set(normalized.map((n) => n.code).filter((code): code is string => code !== null)),
  ];
  const rows = await readableLabels(c, codes);
  const reachable = new Set(rows.map((r) => r.label.code));
  const missing = normalized.filter((n) => !n.code || !reachable.has(n.code)).map((n) => n.input);
  if (missing.length > 0) {
    throw new ApiError(
      "not_found",
      `${missing.length} code(s) are unknown or not yours; nothing was voided.`,
      { extra: { missing } },
    );
  }
  if (
    user.role !== "producer" &&
    rows.some(
      (r) =>
        !canEnforce(user, { organizationId: r.batch.organizationId, regionCode: r.regionCode }),
    )
  ) {
    throw new ApiError(
      "forbidden",
      "Only the producer, an admin or a regulator of the region can void labels.",
    );
  }
  const already = rows.filter((r) => r.label.status === "voided").map((r) => r.label.code);
  const toVoid = rows.filter((r) => r.label.status === "active").map((r) => r.label.code);
  const now = new Date().toISOString();
  const db = getDb(c.env.DB);
  // One guarded update and one conditional audit record per label, in one transaction: a label
  // voided meanwhile by a concurrent request is neither counted nor audited twice.
  const statements = toVoid.flatMap((code) => {
    const update = db
      .update(labels)
      .set({ status: "voided", voidReason: reason, voidedAt: now, voidedBy: user.id })
      .where(and(eq(labels.code, code), eq(labels.status, "active")))
      .toSQL();
    return [
      c.env.DB.prepare(update.sql).bind(...update.params),
      auditStatementWhen(
        c,
        {
          action: "label.void",
          targetType: "label",
          targetId: code,
          before: { status: "active" },
          after: { status: "voided", reason },
        },
        { sql: "changes() = 1", params: [] },
      ),
    ];
  });
  const results = statements.length > 0 ? await c.env.DB.batch(statements) : [];
  const voided = toVoid.filter((_, i) => results[2 * i]?.meta.changes === 1);
  const raced = toVoid.filter((code) => !voided.includes(code));
  return c.json({ voided, already_voided: [...already, ...raced] }, 200);
};

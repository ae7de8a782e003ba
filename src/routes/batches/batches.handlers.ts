import { and, asc, desc, eq } from "drizzle-orm";
import type { Context } from "hono";
import { getDb } from "../../db/client";
import { type AuditChange, auditEntry, updateOneWithAudit } from "../../db/queries/audit";
import { enqueueRecallNotices } from "../../db/queries/recall-notices";
import {
  authorizations,
  batches,
  giProducts,
  labels,
  organizations,
  sites,
  traceEvents,
} from "../../db/schema";
import { canEnforce, readScope } from "../../lib/access";
import { effectiveAuthorizationStatus } from "../../lib/authorization-status";
import { ApiError, fieldError } from "../../lib/errors";
import { pointInArea } from "../../lib/geo";
import { parseGtin } from "../../lib/gtin";
import { wordFor } from "../../lib/i18n/domain-words";
import { newId } from "../../lib/ids";
import { loadLabelFonts } from "../../lib/label-fonts";
import { labelOrigin, labelUrl } from "../../lib/label-links";
import { buildLabelSheetPdf } from "../../lib/label-sheet-pdf";
import { type LabelGeometry, labelGeometry } from "../../lib/label-templates";
import { afterCursor, toPage } from "../../lib/pagination";
import type { AppEnv, AppRouteHandler } from "../../types";
import { readableBatch } from "./batch-access";
import type * as routes from "./batches.routes";
import { MAX_PDF_LABELS } from "./batches.routes";
import { type BatchRow, toBatchDto, toTraceEventDto } from "./batches.schemas";
import { issueLabels as issueLabelCodes } from "./issue-labels";

async function authorizationOf(c: Context<AppEnv>, id: string) {
  const [row] = await getDb(c.env.DB)
    .select({
      authorization: authorizations,
      product: giProducts,
      organizationStatus: organizations.status,
    })
    .from(authorizations)
    .innerJoin(giProducts, eq(giProducts.id, authorizations.giProductId))
    .innerJoin(organizations, eq(organizations.id, authorizations.organizationId))
    .where(eq(authorizations.id, id));
  return row;
}

function assertUsable(found: NonNullable<Awaited<ReturnType<typeof authorizationOf>>>) {
  const { authorization, product } = found;
  if (found.organizationStatus === "suspended")
    throw new ApiError(
      "unprocessable",
      "Your organization is suspended: it can create no batches and issue no labels.",
    );
  const status = effectiveAuthorizationStatus(
    authorization.status,
    authorization.validFrom,
    authorization.validUntil,
  );
  if (status !== "active")
    throw new ApiError("unprocessable", `Authorization ${authorization.number} is ${status}.`);
  if (product.status !== "active")
    throw new ApiError("unprocessable", `GI product ${product.nameZh} is ${product.status}.`);
}

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const body = c.req.valid("json");
  const user = c.get("user");
  const organizationId = user.organizationId as string;
  const db = getDb(c.env.DB);
  let gtin: string | null = null;
  if (body.gtin) {
    const parsed = parseGtin(body.gtin);
    if (!parsed.ok) throw fieldError("body.gtin", parsed.reason);
    gtin = parsed.gtin14;
  }
  const [found, siteRows, clash] = await Promise.all([
    authorizationOf(c, body.authorization_id),
    db.select().from(sites).where(eq(sites.id, body.site_id)),
    db
      .select({ id: batches.id })
      .from(batches)
      .where(and(eq(batches.organizationId, organizationId), eq(batches.lotCode, body.lot_code))),
  ]);
  const site = siteRows[0];
  // Another organization's authorization or site is reported as missing, never as foreign.
  if (!found || found.authorization.organizationId !== organizationId)
    throw fieldError("body.authorization_id", "no such authorization of your organization");
  if (!site || site.organizationId !== organizationId)
    throw fieldError("body.site_id", "no such site of your organization");
  assertUsable(found);
  if (clash.length > 0)
    throw new ApiError("conflict", `Lot ${body.lot_code} already exists in your organization.`, {
      extra: { existing_id: clash[0]?.id },
    });
  const area = found.product.protectedArea as Parameters<typeof pointInArea>[2] | null;
  if (area && !pointInArea(site.lat, site.lng, area)) {
    throw new ApiError(
      "outside_protected_area",
      `Site ${site.name} (${site.lat}, ${site.lng}) lies outside the protected area of ${found.product.nameZh}.`,
      {
        extra: { site_id: site.id, gi_product_id: found.product.id },
      },
    );
  }
  const values = {
    id: newId("bat"),
    organizationId,
    authorizationId: found.authorization.id,
    siteId: site.id,
    lotCode: body.lot_code,
    gtin,
    quantity: body.quantity,
    unit: body.unit,
    producedAt: new Date(body.produced_at).toISOString(),
    description: body.description ?? null,
    createdBy: user.id,
  };
  const [[row]] = await db.batch([
    db.insert(batches).values(values).returning(),
    auditEntry(c, {
      action: "batch.create",
      targetType: "batch",
      targetId: values.id,
      after: values,
    }),
  ]);
  if (!row) throw new Error("insert returned no row");
  c.header("Location", `/v1/batches/${row.id}`);
  return c.json(toBatchDto(row), 201);
};

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const query = c.req.valid("query");
  const rows = await getDb(c.env.DB)
    .select({ batch: batches })
    .from(batches)
    .innerJoin(organizations, eq(organizations.id, batches.organizationId))
    .where(
      and(
        readScope(c.get("user"), batches.organizationId, organizations.regionCode),
        afterCursor(query.cursor, batches.createdAt, batches.id),
        query.status ? eq(batches.status, query.status) : undefined,
        query.authorization_id ? eq(batches.authorizationId, query.authorization_id) : undefined,
        query.lot_code ? eq(batches.lotCode, query.lot_code) : undefined,
      ),
    )
    .orderBy(desc(batches.createdAt), desc(batches.id))
    .limit(query.limit + 1);
  return c.json(
    toPage(
      rows,
      query.limit,
      (r) => ({ k: r.batch.createdAt, id: r.batch.id }),
      (r) => toBatchDto(r.batch),
    ),
    200,
  );
};

export const get: AppRouteHandler<typeof routes.get> = async (c) =>
  c.json(toBatchDto(await readableBatch(c, c.req.valid("param").id)), 200);

/** Compare-and-set on the status read: of concurrent changes one applies, one is audited. */
async function changeBatchStatus(
  c: Context<AppEnv>,
  batch: BatchRow,
  changes: Partial<BatchRow>,
  audit: AuditChange,
): Promise<BatchRow> {
  const db = getDb(c.env.DB);
  const changed = await updateOneWithAudit(
    c,
    db
      .update(batches)
      .set(changes)
      .where(and(eq(batches.id, batch.id), eq(batches.status, batch.status))),
    audit,
  );
  const row = changed && (await db.query.batches.findFirst({ where: eq(batches.id, batch.id) }));
  if (!row) throw new ApiError("conflict", "The batch changed meanwhile; read it again.");
  return row;
}

export const release: AppRouteHandler<typeof routes.release> = async (c) => {
  const batch = await readableBatch(c, c.req.valid("param").id);
  if (batch.status !== "draft")
    throw new ApiError(
      "conflict",
      `Only a draft batch can be released; this one is ${batch.status}.`,
    );
  const now = new Date().toISOString();
  const row = await changeBatchStatus(
    c,
    batch,
    { status: "released", releasedAt: now, updatedAt: now },
    {
      action: "batch.release",
      targetType: "batch",
      targetId: batch.id,
      before: { status: "draft" },
      after: { status: "released" },
    },
  );
  return c.json(toBatchDto(row), 200);
};

export const recall: AppRouteHandler<typeof routes.recall> = async (c) => {
  const { reason } = c.req.valid("json");
  const user = c.get("user");
  const batch = await readableBatch(c, c.req.valid("param").id);
  if (user.role !== "producer" && !canEnforce(user, batch))
    throw new ApiError(
      "forbidden",
      "Only the producer, an admin or a regulator of the region can recall.",
    );
  if (batch.status === "recalled") throw new ApiError("conflict", "The batch is already recalled.");
  const now = new Date().toISOString();
  const row = await changeBatchStatus(
    c,
    batch,
    { status: "recalled", statusReason: reason, recalledAt: now, updatedAt: now },
    {
      action: "batch.recall",
      targetType: "batch",
      targetId: batch.id,
      before: { status: batch.status },
      after: { status: "recalled", reason },
    },
  );
  await enqueueRecallNotices(c.env.NOTICE_QUEUE, batch.id);
  return c.json(toBatchDto(row), 200);
};

export const createEvent: AppRouteHandler<typeof routes.createEvent> = async (c) => {
  const body = c.req.valid("json");
  const batch = await readableBatch(c, c.req.valid("param").id);
  if (batch.status === "recalled")
    throw new ApiError("conflict", "A recalled batch takes no more trace events.");
  const values = {
    id: newId("evt"),
    batchId: batch.id,
    type: body.type,
    occurredAt: new Date(body.occurred_at).toISOString(),
    lat: body.lat ?? null,
    lng: body.lng ?? null,
    placeName: body.place_name ?? null,
    data: body.data ?? null,
    actorUserId: c.get("user").id,
  };
  const db = getDb(c.env.DB);
  const [[row]] = await db.batch([
    db.insert(traceEvents).values(values).returning(),
    auditEntry(c, {
      action: "trace_event.create",
      targetType: "batch",
      targetId: batch.id,
      after: values,
    }),
  ]);
  if (!row) throw new Error("insert returned no row");
  return c.json(toTraceEventDto(row), 201);
};

export const listEvents: AppRouteHandler<typeof routes.listEvents> = async (c) => {
  const batch = await readableBatch(c, c.req.valid("param").id);
  const rows = await getDb(c.env.DB)
    .select()
    .from(traceEvents)
    .where(eq(traceEvents.batchId, batch.id))
    .orderBy(asc(traceEvents.occurredAt), asc(traceEvents.createdAt))
    .limit(500);
  return c.json({ items: rows.map(toTraceEventDto) }, 200);
};

export const issueLabels: AppRouteHandler<typeof routes.issueLabels> = async (c) => {
  const { count } = c.req.valid("json");
  const batch = await readableBatch(c, c.req.valid("param").id);
  if (batch.status === "recalled")
    throw new ApiError("unprocessable", "Labels cannot be issued for a recalled batch.");
  const found = await authorizationOf(c, batch.authorizationId);
  if (!found) throw new Error(`batch ${batch.id} has no authorization`);
  assertUsable(found);
  const issued = await issueLabelCodes(
    c,
    {
      batchId: batch.id,
      authorizationId: batch.authorizationId,
      annualLabelQuota: found.authorization.annualLabelQuota,
      gtin: batch.gtin,
      lotCode: batch.lotCode,
    },
    count,
  );
  return c.json({ issued: issued.length, labels: issued }, 201);
};

type LabelRow = typeof labels.$inferSelect;

function toLabelDto(origin: string, batch: BatchRow, row: LabelRow) {
  return {
    code: row.code,
    url: labelUrl(origin, batch, row.code),
    batch_id: row.batchId,
    status: row.status,
    void_reason: row.voidReason,
    scan_count: row.scanCount,
    first_scan_at: row.firstScanAt,
    first_scan_region: row.firstScanRegion,
    created_at: row.createdAt,
  };
}

const csvField = (value: string) =>
  /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;

export const listLabels: AppRouteHandler<typeof routes.listLabels> = async (c) => {
  const query = c.req.valid("query");
  const batch = await readableBatch(c, c.req.valid("param").id);
  const db = getDb(c.env.DB);
  if (query.format === "csv") {
    const rows = await db
      .select({ code: labels.code })
      .from(labels)
      .where(eq(labels.batchId, batch.id))
      .orderBy(asc(labels.createdAt), asc(labels.code));
    const lines = [
      "code,url",
      ...rows.map(
        (r) => `${r.code},${csvField(labelUrl(labelOrigin(c.env, c.req.url), batch, r.code))}`,
      ),
    ];
    c.header("Content-Disposition", `attachment; filename="labels-${batch.lotCode}.csv"`);
    return c.body(`${lines.join("\r\n")}\r\n`, 200, { "Content-Type": "text/csv; charset=utf-8" });
  }
  const rows = await db
    .select()
    .from(labels)
    .where(
      and(
        eq(labels.batchId, batch.id),
        afterCursor(query.cursor, labels.createdAt, labels.code, "asc"),
      ),
    )
    .orderBy(asc(labels.createdAt), asc(labels.code))
    .limit(query.limit + 1);
  return c.json(
    toPage(
      rows,
      query.limit,
      (r) => ({ k: r.createdAt, id: r.code }),
      (r) => toLabelDto(labelOrigin(c.env, c.req.url), batch, r),
    ),
    200,
  );
};

export const labelsPdf: AppRouteHandler<typeof routes.labelsPdf> = async (c) => {
  const query = c.req.valid("query");
  const geometry = labelGeometry(query.template) as LabelGeometry;
  const batch = await readableBatch(c, c.req.valid("param").id);
  const total = batch.labelCount;
  if (total === 0)
    throw fieldError(
      "path.id",
      "the batch has 0 labels",
      "The batch has no labels to print; issue labels first (POST /v1/batches/{id}/labels).",
    );
  const range = printRange(query.from, query.count, total);
  const db = getDb(c.env.DB);
  const [rows, names, fonts] = await Promise.all([
    db
      .select({ code: labels.code, status: labels.status })
      .from(labels)
      .where(eq(labels.batchId, batch.id))
      .orderBy(asc(labels.createdAt), asc(labels.code))
      .limit(range.count)
      .offset(range.from - 1),
    db
      .select({
        nameZh: giProducts.nameZh,
        nameEn: giProducts.nameEn,
        protectionType: giProducts.protectionType,
        producer: organizations.name,
      })
      .from(authorizations)
      .innerJoin(giProducts, eq(giProducts.id, authorizations.giProductId))
      .innerJoin(organizations, eq(organizations.id, authorizations.organizationId))
      .where(eq(authorizations.id, batch.authorizationId)),
    loadLabelFonts(c.env.ASSETS, c.req.url),
  ]);
  const origin = labelOrigin(c.env, c.req.url);
  const printable = rows.flatMap((row, i) =>
    row.status === "active"
      ? [{ code: row.code, url: labelUrl(origin, batch, row.code), position: range.from + i }]
      : [],
  );
  const last = range.from + rows.length - 1;
  if (printable.length === 0)
    throw fieldError(
      "query.from",
      "no active label in the range",
      `Every label in positions ${range.from}-${last} is voided; nothing to print.`,
    );
  const product = names[0];
  const pdf = await buildLabelSheetPdf({
    geometry,
    fonts,
    text: {
      productNameZh: product?.nameZh ?? "",
      productNameEn: product?.nameEn ?? null,
      producer: product?.producer ?? "",
      protectionType: product ? wordFor("protectionType", product.protectionType, "zh") : "",
      lotCode: batch.lotCode,
    },
    labels: printable,
    title: `${product?.nameZh ?? ""} ${batch.lotCode} #${range.from}-${last}`.trim(),
  });
  c.header(
    "Content-Disposition",
    `attachment; filename="labels-${batch.lotCode}-${geometry.template.id}-${range.from}-${last}.pdf"`,
  );
  return c.body(pdf as unknown as ArrayBuffer, 200, { "Content-Type": "application/pdf" });
};

/** The positions to print, within 1..total and at most MAX_PDF_LABELS, or 400 saying what fits. */
function printRange(from: number, count: number | undefined, total: number) {
  if (from > total)
    throw fieldError(
      "query.from",
      `from must be between 1 and ${total}: the batch has ${total} labels.`,
    );
  const rest = total - from + 1;
  if (count === undefined && rest > MAX_PDF_LABELS)
    throw fieldError(
      "query.count",
      `positions ${from}-${total} are ${rest} labels; one PDF holds at most ${MAX_PDF_LABELS}: pass count (1..${MAX_PDF_LABELS}) and print the batch in ranges.`,
    );
  if (count !== undefined && count > rest)
    throw fieldError(
      "query.count",
      `count must be between 1 and ${Math.min(rest, MAX_PDF_LABELS)}: the batch has ${total} labels and the range starts at ${from}.`,
    );
  return { from, count: count ?? rest };
}

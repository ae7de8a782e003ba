import { and, asc, desc, eq } from "drizzle-orm";
import type { Context } from "hono";
import { getDb } from "../../db/client";
import { type AuditChange, auditEntry, updateOneWithAudit } from "../../db/queries/audit";
import { authorizationOf, readableBatch } from "../../db/queries/batch-access";
import { enqueueRecallNotices } from "../../db/queries/recall-notices";
import { batches, organizations, sites, traceEvents } from "../../db/schema";
import { canEnforce, readScope } from "../../lib/access";
import { assertAuthorizationUsable } from "../../lib/authorization-usable";
import { ApiError, fieldError } from "../../lib/errors";
import { pointInArea } from "../../lib/geo";
import { parseGtin } from "../../lib/gtin";
import { newId } from "../../lib/ids";
import { afterCursor, toPage } from "../../lib/pagination";
import type { AppEnv, AppRouteHandler } from "../../types";
import type * as routes from "./batches.routes";
import { type BatchRow, toBatchDto, toTraceEventDto } from "./batches.schemas";

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
  assertAuthorizationUsable(found);
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

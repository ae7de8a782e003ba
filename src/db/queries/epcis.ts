// Reads and writes of the EPCIS interface: a batch's trace for export, the batches that
// captured EPCs name, capture jobs, and the event query.
import { and, asc, eq, gte, inArray, lt, type SQL, sql } from "drizzle-orm";
import { getDb } from "../client";
import { batches, epcisCaptureJobs, labels, organizations, sites, traceEvents } from "../schema";

/** The batch with its producer's region and site, its label codes and its trace events. */
export async function readBatchTrace(d1: D1Database, batchId: string) {
  const db = getDb(d1);
  const [head, codes, events] = await db.batch([
    db
      .select({
        id: sql<string>`${batches.id}`.as("b_id"),
        organizationId: sql<string>`${batches.organizationId}`.as("b_org"),
        lotCode: batches.lotCode,
        gtin: batches.gtin,
        quantity: batches.quantity,
        unit: batches.unit,
        producedAt: batches.producedAt,
        regionCode: sql<string>`${organizations.regionCode}`.as("o_region"),
        siteLat: sql<number>`${sites.lat}`.as("s_lat"),
        siteLng: sql<number>`${sites.lng}`.as("s_lng"),
      })
      .from(batches)
      .innerJoin(organizations, eq(organizations.id, batches.organizationId))
      .innerJoin(sites, eq(sites.id, batches.siteId))
      .where(eq(batches.id, batchId)),
    db
      .select({ code: labels.code })
      .from(labels)
      .where(eq(labels.batchId, batchId))
      .orderBy(asc(labels.code)),
    db
      .select()
      .from(traceEvents)
      .where(eq(traceEvents.batchId, batchId))
      .orderBy(asc(traceEvents.occurredAt), asc(traceEvents.id)),
  ]);
  const batch = head[0];
  return batch ? { batch, codes: codes.map((r) => r.code), events } : undefined;
}

export type BatchTrace = NonNullable<Awaited<ReturnType<typeof readBatchTrace>>>;

/** Batches with their organization and region, by id, by (gtin, lot) or by label code. */
export async function batchesForCapture(
  d1: D1Database,
  keys: { ids?: string[]; gtinLots: { gtin: string; lot: string }[]; codes: string[] },
) {
  const db = getDb(d1);
  const columns = {
    id: batches.id,
    organizationId: batches.organizationId,
    gtin: batches.gtin,
    lotCode: batches.lotCode,
  };
  const byId = keys.ids?.length
    ? await db.select(columns).from(batches).where(inArray(batches.id, keys.ids))
    : [];
  const byLot = keys.gtinLots.length
    ? await db
        .select(columns)
        .from(batches)
        .where(
          sql.join(
            keys.gtinLots.map(
              (k) => sql`(${batches.gtin} = ${k.gtin} AND ${batches.lotCode} = ${k.lot})`,
            ),
            sql` OR `,
          ),
        )
    : [];
  const byCode = keys.codes.length
    ? await db
        .select({ code: labels.code, ...columns })
        .from(labels)
        .innerJoin(batches, eq(batches.id, labels.batchId))
        .where(inArray(labels.code, keys.codes))
    : [];
  return { byId, byLot, byCode };
}

export type NewCapturedEvent = typeof traceEvents.$inferInsert;

/**
 * Stores a capture as one transaction: the job and every new event. Events whose eventID the
 * batch already holds are skipped by the unique index, so a repeated capture stores nothing twice.
 */
export async function storeCapture(
  d1: D1Database,
  job: typeof epcisCaptureJobs.$inferInsert,
  events: NewCapturedEvent[],
) {
  const db = getDb(d1);
  const inserts = events.map((event) => db.insert(traceEvents).values(event).onConflictDoNothing());
  const results = await db.batch([db.insert(epcisCaptureJobs).values(job), ...inserts]);
  return results.slice(1).reduce((n, r) => n + ((r as D1Result).meta?.changes ?? 0), 0);
}

export async function existingEventIds(d1: D1Database, batchIds: string[], eventIds: string[]) {
  if (batchIds.length === 0 || eventIds.length === 0) return new Set<string>();
  const rows = await getDb(d1)
    .select({ batchId: traceEvents.batchId, eventId: traceEvents.epcisEventId })
    .from(traceEvents)
    .where(
      and(inArray(traceEvents.batchId, batchIds), inArray(traceEvents.epcisEventId, eventIds)),
    );
  return new Set(rows.map((r) => `${r.batchId} ${r.eventId}`));
}

export function updateJobCounts(d1: D1Database, id: string, captured: number, duplicates: number) {
  return getDb(d1)
    .update(epcisCaptureJobs)
    .set({ capturedCount: captured, duplicateCount: duplicates })
    .where(eq(epcisCaptureJobs.id, id));
}

export async function readCaptureJob(d1: D1Database, id: string) {
  return getDb(d1).select().from(epcisCaptureJobs).where(eq(epcisCaptureJobs.id, id)).get();
}

export type EventQuery = {
  scope: SQL | undefined;
  bizStep?: string;
  batchIds?: string[];
  since?: string;
  until?: string;
  after?: { at: string; id: string };
  eventId?: string;
  limit: number;
};

/** Trace events (own and captured) with their batch, for the EPCIS query interface. */
export async function queryTraceEvents(d1: D1Database, q: EventQuery) {
  return getDb(d1)
    .select({ event: traceEvents, batch: batches })
    .from(traceEvents)
    .innerJoin(batches, eq(batches.id, traceEvents.batchId))
    .innerJoin(organizations, eq(organizations.id, batches.organizationId))
    .where(
      and(
        q.scope,
        q.batchIds
          ? inArray(traceEvents.batchId, q.batchIds.length ? q.batchIds : [""])
          : undefined,
        q.since ? gte(traceEvents.occurredAt, q.since) : undefined,
        q.until ? lt(traceEvents.occurredAt, q.until) : undefined,
        q.eventId ? eq(traceEvents.epcisEventId, q.eventId) : undefined,
        q.after
          ? sql`(${traceEvents.occurredAt}, ${traceEvents.id}) > (${q.after.at}, ${q.after.id})`
          : undefined,
      ),
    )
    .orderBy(asc(traceEvents.occurredAt), asc(traceEvents.id))
    .limit(q.limit);
}

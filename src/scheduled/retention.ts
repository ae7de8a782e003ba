import { sql } from "drizzle-orm";
import { scanDatabases } from "../db/scan-databases";
import { scanDailyAggregates, scans } from "../db/schema";
import { bare, prepareSql } from "../db/sql";
import type { Bindings } from "../types";
import { pruneScanLedger, rollUpScanDatabase } from "./scan-database-retention";

/** Raw scans kept this many days when SCAN_RETENTION_DAYS is unset or not a positive integer. */
export const DEFAULT_SCAN_RETENTION_DAYS = 400;
/** Scans rolled up and deleted per D1 batch (one transaction). */
export const RETENTION_CHUNK = 2_000;
/** Chunks per run: a run touches at most RETENTION_CHUNK * RETENTION_MAX_CHUNKS scans. */
export const RETENTION_MAX_CHUNKS = 50;

export type RetentionResult = { cutoff: string; rolledUp: number; chunks: number; done: boolean };

export function retentionDays(env: Pick<Bindings, "SCAN_RETENTION_DAYS">): number {
  const days = Number(env.SCAN_RETENTION_DAYS);
  return Number.isInteger(days) && days > 0 ? days : DEFAULT_SCAN_RETENTION_DAYS;
}

/**
 * Rolls raw scans older than the retention into scan_daily_aggregates (day, label, region,
 * verdict → count, added to existing rows) and deletes them, in the registry and in every
 * province's scan database (./scan-database-retention.ts). In the registry each chunk takes the oldest scans
 * up to a (scanned_at, id) boundary, and aggregates and deletes exactly that range in one D1
 * batch, so a failure leaves either both or neither. Idempotent and resumable: the next run
 * continues where the last stopped.
 */
export async function rollUpOldScans(
  env: Pick<Bindings, "DB" | "SCAN_RETENTION_DAYS" | "SCAN_DATABASES">,
  options: { now?: Date; chunk?: number; maxChunks?: number } = {},
): Promise<RetentionResult> {
  const registry = await rollUpRegistryScans(env, options);
  let { rolledUp, chunks, done } = registry;
  // Each province's scan database gets a run's budget of its own.
  for (const { key, d1 } of scanDatabases(env).all.slice(1)) {
    const result = await rollUpScanDatabase(
      env.DB,
      key,
      d1,
      registry.cutoff,
      options.chunk ?? RETENTION_CHUNK,
      options.maxChunks ?? RETENTION_MAX_CHUNKS,
    );
    rolledUp += result.rolledUp;
    chunks += result.chunks;
    done &&= result.done;
  }
  return { cutoff: registry.cutoff, rolledUp, chunks, done };
}

async function rollUpRegistryScans(
  env: Pick<Bindings, "DB" | "SCAN_RETENTION_DAYS">,
  options: { now?: Date; chunk?: number; maxChunks?: number },
): Promise<RetentionResult> {
  const now = options.now ?? new Date();
  const chunk = options.chunk ?? RETENTION_CHUNK;
  const maxChunks = options.maxChunks ?? RETENTION_MAX_CHUNKS;
  // Whole UTC days: scans of a day are rolled up together, never split over two runs' cutoffs.
  const cutoffDate = new Date(now.getTime() - retentionDays(env) * 86_400_000);
  const cutoff = `${cutoffDate.toISOString().slice(0, 10)}T00:00:00.000Z`;
  let rolledUp = 0;
  let chunks = 0;
  while (chunks < maxChunks) {
    const boundary = await prepareSql(
      env.DB,
      sql`SELECT at, id, n FROM (
         SELECT ${scans.scannedAt} AS at, ${scans.id} AS id, row_number() OVER (ORDER BY ${scans.scannedAt}, ${scans.id}) AS n
         FROM ${scans} WHERE ${scans.scannedAt} < ${cutoff} ORDER BY ${scans.scannedAt}, ${scans.id} LIMIT ${chunk}
       ) ORDER BY n DESC LIMIT 1`,
    ).first<{ at: string; id: string; n: number }>();
    if (!boundary) return { cutoff, rolledUp, chunks, done: true };
    const range = sql`${scans.scannedAt} < ${cutoff} AND (${scans.scannedAt} < ${boundary.at} OR (${scans.scannedAt} = ${boundary.at} AND ${scans.id} <= ${boundary.id}))`;
    const day = scanDailyAggregates;
    await env.DB.batch([
      prepareSql(
        env.DB,
        sql`INSERT INTO ${day} (${bare(day.day)}, ${bare(day.labelCode)}, ${bare(day.regionCode)}, ${bare(day.verdict)}, ${bare(day.scans)})
         SELECT substr(${scans.scannedAt}, 1, 10), coalesce(${scans.labelCode}, ''), coalesce(${scans.regionCode}, ''),
                ${scans.verdict}, count(*)
         FROM ${scans} WHERE ${range}
         GROUP BY 1, 2, 3, 4
         ON CONFLICT (${bare(day.day)}, ${bare(day.labelCode)}, ${bare(day.regionCode)}, ${bare(day.verdict)})
         DO UPDATE SET ${bare(day.scans)} = ${day.scans} + excluded.${bare(day.scans)}`,
      ),
      prepareSql(env.DB, sql`DELETE FROM ${scans} WHERE ${range}`),
    ]);
    rolledUp += boundary.n;
    chunks += 1;
    if (boundary.n < chunk) return { cutoff, rolledUp, chunks, done: true };
  }
  return { cutoff, rolledUp, chunks, done: false };
}

/** The cron entry point (wrangler.toml [triggers]). */
export async function handleScheduled(
  _controller: ScheduledController,
  env: Bindings,
  _ctx: ExecutionContext,
): Promise<void> {
  const result = await rollUpOldScans(env);
  const ledgerPruned = await pruneScanLedger(env.DB, new Date());
  console.log(
    JSON.stringify({
      event: "scan_retention",
      ...result,
      retention_days: retentionDays(env),
      ledger_pruned: ledgerPruned,
    }),
  );
}

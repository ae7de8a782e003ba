// The nightly roll-up in a province's scan database (SCAN_DATABASES) and the pruning of the
// registry's scan ledger. A province's old scans are counted into the registry's
// scan_daily_aggregates and then deleted in the province's database; no transaction spans both,
// so the registry's transaction also records how far it counted (scan_rollup_progress) and every
// run first deletes what an interrupted run counted but did not delete. Nothing is counted twice
// and nothing deleted uncounted.
import { sql } from "drizzle-orm";
import { scanDailyAggregates, scanLedger, scanRollupProgress, scans } from "../db/schema";
import { bare, prepareSql } from "../db/sql";
import { chunk as inParts } from "../lib/chunk";

/**
 * Ledger entries are kept longer than a message can live in a queue (at most 14 days of
 * retention, dead-letter queue included), so that no redelivery can outlive its entry.
 */
export const SCAN_LEDGER_DAYS = 15;

// Aggregate rows per statement: a D1 statement holds at most 100 KB.
const AGGREGATES_PER_STATEMENT = 500;

type Aggregate = {
  day: string;
  label_code: string;
  region_code: string;
  verdict: string;
  scans: number;
};

const rangeThrough = (cutoff: string, at: string, id: string) =>
  sql`${scans.scannedAt} < ${cutoff} AND (${scans.scannedAt} < ${at} OR (${scans.scannedAt} = ${at} AND ${scans.id} <= ${id}))`;

export async function rollUpScanDatabase(
  registry: D1Database,
  database: string,
  province: D1Database,
  cutoff: string,
  chunk: number,
  maxChunks: number,
): Promise<{ rolledUp: number; chunks: number; done: boolean }> {
  const progress = await prepareSql(
    registry,
    sql`SELECT ${scanRollupProgress.throughAt} AS at, ${scanRollupProgress.throughId} AS id
          FROM ${scanRollupProgress} WHERE ${scanRollupProgress.database} = ${database}`,
  ).first<{ at: string; id: string }>();
  if (progress) {
    await prepareSql(
      province,
      sql`DELETE FROM ${scans} WHERE ${rangeThrough(cutoff, progress.at, progress.id)}`,
    ).run();
  }
  let rolledUp = 0;
  let chunks = 0;
  while (chunks < maxChunks) {
    const boundary = await prepareSql(
      province,
      sql`SELECT at, id, n FROM (
         SELECT ${scans.scannedAt} AS at, ${scans.id} AS id, row_number() OVER (ORDER BY ${scans.scannedAt}, ${scans.id}) AS n
         FROM ${scans} WHERE ${scans.scannedAt} < ${cutoff} ORDER BY ${scans.scannedAt}, ${scans.id} LIMIT ${chunk}
       ) ORDER BY n DESC LIMIT 1`,
    ).first<{ at: string; id: string; n: number }>();
    if (!boundary) return { rolledUp, chunks, done: true };
    const range = rangeThrough(cutoff, boundary.at, boundary.id);
    const { results: aggregates } = await prepareSql(
      province,
      sql`SELECT substr(${scans.scannedAt}, 1, 10) AS day, coalesce(${scans.labelCode}, '') AS label_code,
                 coalesce(${scans.regionCode}, '') AS region_code, ${scans.verdict} AS verdict, count(*) AS scans
            FROM ${scans} WHERE ${range} GROUP BY 1, 2, 3, 4`,
    ).all<Aggregate>();
    const day = scanDailyAggregates;
    const p = scanRollupProgress;
    await registry.batch([
      ...inParts(aggregates, AGGREGATES_PER_STATEMENT).map((part) =>
        prepareSql(
          registry,
          sql`INSERT INTO ${day} (${bare(day.day)}, ${bare(day.labelCode)}, ${bare(day.regionCode)}, ${bare(day.verdict)}, ${bare(day.scans)})
              SELECT json_extract(value, '$.day'), json_extract(value, '$.label_code'), json_extract(value, '$.region_code'),
                     json_extract(value, '$.verdict'), json_extract(value, '$.scans')
                FROM json_each(${JSON.stringify(part)}) WHERE true
              ON CONFLICT (${bare(day.day)}, ${bare(day.labelCode)}, ${bare(day.regionCode)}, ${bare(day.verdict)})
              DO UPDATE SET ${bare(day.scans)} = ${day.scans} + excluded.${bare(day.scans)}`,
        ),
      ),
      prepareSql(
        registry,
        sql`INSERT INTO ${p} (${bare(p.database)}, ${bare(p.throughAt)}, ${bare(p.throughId)})
            VALUES (${database}, ${boundary.at}, ${boundary.id})
            ON CONFLICT (${bare(p.database)}) DO UPDATE SET ${bare(p.throughAt)} = excluded.${bare(p.throughAt)}, ${bare(p.throughId)} = excluded.${bare(p.throughId)}`,
      ),
    ]);
    await prepareSql(province, sql`DELETE FROM ${scans} WHERE ${range}`).run();
    rolledUp += boundary.n;
    chunks += 1;
    if (boundary.n < chunk) return { rolledUp, chunks, done: true };
  }
  return { rolledUp, chunks, done: false };
}

const LEDGER_PRUNE_CHUNK = 5_000;

/** Deletes ledger entries of scans older than SCAN_LEDGER_DAYS; answers how many. */
export async function pruneScanLedger(registry: D1Database, now: Date): Promise<number> {
  const before = new Date(now.getTime() - SCAN_LEDGER_DAYS * 86_400_000).toISOString();
  const l = scanLedger;
  let pruned = 0;
  for (;;) {
    const { meta } = await prepareSql(
      registry,
      sql`DELETE FROM ${l} WHERE ${l.scanId} IN (SELECT ${l.scanId} FROM ${l} WHERE ${l.scannedAt} < ${before} LIMIT ${LEDGER_PRUNE_CHUNK})`,
    ).run();
    pruned += meta.changes ?? 0;
    if ((meta.changes ?? 0) < LEDGER_PRUNE_CHUNK) return pruned;
  }
}

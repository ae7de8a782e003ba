// A regulator's scans list: the scans made in its regions and the scans of its producers'
// labels, as one index walk per known region code of its scope and one per producer, each
// stopping at the page, merged newest first. A single walk of all scans by time filtered by the
// scope (and a verdict) reads rows in proportion to the scans outside it; these read at most a
// page per walk. A flagged verdict walks the partial indexes that hold only flagged scans, the
// invalid verdict those of forged codes.
import { and, type SQL, sql } from "drizzle-orm";
import { regionCodesWithin } from "../../lib/regions";
import type { Db } from "../client";
import { scans, type verdicts } from "../schema";

export type RegulatorScanWalk = {
  regionCodes: readonly string[];
  /** The organizations in the regulator's regions (from the registry). */
  producerIds: readonly string[];
  verdict?: (typeof verdicts)[number];
  since?: string;
  after?: { at: string; id: string };
  located?: boolean;
  size: number;
};

export function regulatorScans(db: Db, walk: RegulatorScanWalk) {
  const invalid = walk.verdict === "invalid";
  const flagged = walk.verdict !== undefined && walk.verdict !== "genuine" && !invalid;
  const conditions = and(
    // The partial indexes' own conditions, in the words SQLite needs to use them.
    invalid ? sql`verdict = 'invalid'` : undefined,
    flagged ? sql`verdict NOT IN ('genuine', 'invalid')` : undefined,
    walk.verdict ? sql`${scans.verdict} = ${walk.verdict}` : undefined,
    walk.since ? sql`${scans.scannedAt} >= ${walk.since}` : undefined,
    walk.after
      ? sql`(${scans.scannedAt}, ${scans.id}) < (${walk.after.at}, ${walk.after.id})`
      : undefined,
    walk.located ? sql`${scans.lat} IS NOT NULL AND ${scans.lng} IS NOT NULL` : undefined,
  );
  // Per value of `column` in `values`: the newest `size` scans (a correlated subquery with a
  // LIMIT, run once per value).
  const walkOf = (column: SQL, index: string, values: readonly string[]) =>
    sql`SELECT w.rowid FROM json_each(${JSON.stringify(values)}) AS v
        JOIN ${scans} AS w ON w.rowid IN (
          SELECT rowid FROM ${scans} INDEXED BY ${sql.identifier(index)}
           WHERE ${column} = v.value${conditions ? sql` AND ${conditions}` : sql``}
           ORDER BY ${scans.scannedAt} DESC, ${scans.id} DESC LIMIT ${walk.size})`;
  const regions = regionCodesWithin(walk.regionCodes);
  const walks = [
    regions.length
      ? walkOf(
          sql`${scans.regionCode}`,
          invalid
            ? "scans_invalid_region_time_idx"
            : flagged
              ? "scans_flagged_region_time_idx"
              : "scans_region_time_idx",
          regions,
        )
      : undefined,
    // A forged code has no producer.
    walk.producerIds.length && !invalid
      ? walkOf(
          sql`${scans.organizationId}`,
          flagged ? "scans_flagged_org_time_idx" : "scans_org_time_idx",
          walk.producerIds,
        )
      : undefined,
  ].filter((w): w is SQL => w !== undefined);
  return db
    .select()
    .from(scans)
    .where(walks.length ? sql`${scans}.rowid IN (${sql.join(walks, sql` UNION `)})` : sql`0`)
    .orderBy(sql`${scans.scannedAt} DESC`, sql`${scans.id} DESC`)
    .limit(walk.size);
}

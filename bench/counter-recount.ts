// The scan counters recounted from the scans rows, table by table, written here from the
// definitions (docs/scale.md; scopeCodesOf for the areas), not from the app's SQL: what the
// scale bench, the soak and the tests check the counters against.
import { verdicts } from "../src/db/schema.ts";

/** One statement per counter table answering `differ` (rows unequal to a recount) and `counters`. */
export function counterRecountChecks(): { table: string; sql: string }[] {
  const sums = verdicts.map((v) => `sum(verdict = '${v}')`).join(", ");
  const kept = verdicts.join(", ");
  const nonZero = verdicts.join(" + ");
  const day = "date(scanned_at, '+8 hours')";
  const areas = `(SELECT s.*, substr(region_code, 1, len) || substr('0000', 1, 6 - len) AS area
      FROM scans s JOIN (SELECT 2 AS len UNION ALL SELECT 4 UNION ALL SELECT 6)
        ON length(region_code) = 6 AND region_code NOT GLOB '*[^0-9]*'
       AND (len = 2 OR substr(region_code, len - 1, 2) != '00'))`;
  const checks = [
    [
      "scan_day_counters",
      "day, organization_id, region_code",
      `SELECT ${day}, coalesce(organization_id, ''), coalesce(region_code, ''), ${sums} FROM scans GROUP BY 1, 2, 3`,
    ],
    [
      "scan_area_counters",
      "area_code, day, organization_id",
      `SELECT area, ${day}, coalesce(organization_id, ''), ${sums} FROM ${areas} GROUP BY 1, 2, 3`,
    ],
    [
      "scan_batch_counters",
      "day, batch_id, organization_id",
      `SELECT ${day}, batch_id, organization_id, ${sums} FROM scans WHERE batch_id IS NOT NULL GROUP BY 1, 2`,
    ],
    [
      "scan_batch_area_counters",
      "area_code, day, batch_id, organization_id",
      `SELECT area, ${day}, batch_id, organization_id, ${sums} FROM ${areas} WHERE batch_id IS NOT NULL GROUP BY 1, 2, 3`,
    ],
  ] as const;
  return checks.map(([table, key, recount]) => {
    const counters = `SELECT ${key}, ${kept} FROM ${table} WHERE ${nonZero} != 0`;
    return {
      table,
      sql: `SELECT (SELECT count(*) FROM (${counters} EXCEPT ${recount})) + (SELECT count(*) FROM (${recount} EXCEPT ${counters})) AS differ, (SELECT count(*) FROM ${table}) AS counters`,
    };
  });
}

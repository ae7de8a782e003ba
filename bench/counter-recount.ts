// The scan counters recounted from the scans rows and the alert counters from the alerts rows,
// table by table, written here from the definitions (docs/scale.md; scopeCodesOf for the areas),
// not from the app's SQL: what the scale bench, the soak and the tests check the counters against.
import { openAlertStatuses, verdicts } from "../src/db/schema.ts";

/**
 * alert_counters recounted: each alert is one "last seen" on its last sight's Beijing day and one
 * "first seen" on its first sight's, under ('', '', ''), (its organization, '', '') and every
 * pair of the scope codes covering its producer region and its scan region, '' among them.
 */
function alertRecount(): [table: string, key: string, recount: string, nonZero: string] {
  const wellFormed = (code: string) => `length(${code}) = 6 AND ${code} NOT GLOB '*[^0-9]*'`;
  // The distinct codes a province, prefecture or county scope names that cover `code`.
  const covering = (code: string) =>
    `(SELECT id, '' AS area FROM alerts
      UNION SELECT id, substr(${code}, 1, 2) || '0000' FROM alerts WHERE ${wellFormed(code)}
      UNION SELECT id, substr(${code}, 1, 4) || '00' FROM alerts WHERE ${wellFormed(code)}
      UNION SELECT id, ${code} FROM alerts WHERE ${wellFormed(code)})`;
  const open = `status IN (${openAlertStatuses.map((s) => `'${s}'`).join(", ")})`;
  const fields = `rule, first_seen_at, last_seen_at, ${open} AS open`;
  const keyed = `(SELECT '' AS org, p.area AS ra, s.area AS sa, ${fields}
       FROM alerts JOIN ${covering("region_code")} AS p USING (id) JOIN ${covering("scan_region_code")} AS s USING (id)
     UNION ALL
     SELECT organization_id, '', '', ${fields} FROM alerts WHERE organization_id IS NOT NULL)`;
  return [
    "alert_counters",
    "organization_id, region_area, scan_area, day, rule, last_seen, open_last_seen, first_seen, open_first_seen",
    `SELECT org, ra, sa, day, rule, sum(last), sum(open_last), sum(first), sum(open_first) FROM (
       SELECT org, ra, sa, date(last_seen_at, '+8 hours') AS day, rule, 1 AS last, open AS open_last, 0 AS first, 0 AS open_first FROM ${keyed}
       UNION ALL
       SELECT org, ra, sa, date(first_seen_at, '+8 hours'), rule, 0, 0, 1, open FROM ${keyed})
     GROUP BY 1, 2, 3, 4, 5`,
    "abs(last_seen) + abs(open_last_seen) + abs(first_seen) + abs(open_first_seen) != 0",
  ];
}

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
  const scanChecks = checks.map(
    ([table, key, recount]): ReturnType<typeof alertRecount> => [
      table,
      `${key}, ${kept}`,
      recount,
      `${nonZero} != 0`,
    ],
  );
  return [...scanChecks, alertRecount()].map(([table, columns, recount, counted]) => {
    const counters = `SELECT ${columns} FROM ${table} WHERE ${counted}`;
    return {
      table,
      sql: `SELECT (SELECT count(*) FROM (${counters} EXCEPT ${recount})) + (SELECT count(*) FROM (${recount} EXCEPT ${counters})) AS differ, (SELECT count(*) FROM ${table}) AS counters`,
    };
  });
}

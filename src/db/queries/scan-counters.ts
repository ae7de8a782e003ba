// Scan counters (scan_day_counters, scan_area_counters, scan_batch_counters and
// scan_batch_area_counters): kept exact by statements that run in the same D1 batch as the scan
// write they count, so that statistics read counters in proportion to the days and keys they
// return, never the scans.
import { and, asc, desc, eq, gte, inArray, lte, not, type SQL, sql } from "drizzle-orm";
import { regionCondition } from "../../lib/access";
import { chinaDate } from "../../lib/beijing-time";
import { type Statement, statement } from "../../lib/d1-group-batch";
import { scopeCodesFor, scopeCodesOf } from "../../lib/regions";
import type { AuthUser } from "../../types";
import type { Db } from "../client";
import {
  batches,
  organizations,
  scanAreaCounters,
  scanBatchAreaCounters,
  scanBatchCounters,
  scanDayCounters,
  verdicts,
} from "../schema";

export type CountedScan = {
  at: string;
  organizationId: string | null;
  batchId: string | null;
  regionCode: string | null;
  verdict: string;
};

type Verdict = (typeof verdicts)[number];

/** The counter column of `verdict`; the name goes into SQL, so it must be one of `verdicts`. */
function verdictColumn(verdict: string): Verdict {
  if (!(verdicts as readonly string[]).includes(verdict)) {
    throw new Error(`not a verdict: ${verdict}`);
  }
  return verdict as Verdict;
}

// Each table's key columns and the other columns it is written with, as SQL over a scan row:
// date(..., '+8 hours') is the scan's Beijing day, the same day chinaDate gives for the stored
// instant. Batch tables count only scans of a batch; area tables count a scan under each scope
// code that covers its region (LEVELS and AREA are scopeCodesOf in SQL), none without one.
const DAY = "date(scanned_at, '+8 hours')";
const ORGANIZATION = "coalesce(organization_id, '')";
const REGION = "coalesce(region_code, '')";
const LEVELS = (code: string) =>
  `JOIN (SELECT 2 AS len UNION ALL SELECT 4 UNION ALL SELECT 6) AS levels
     ON ${code} GLOB '[0-9][0-9][0-9][0-9][0-9][0-9]' AND (levels.len = 2 OR substr(${code}, levels.len - 1, 2) != '00')`;
const AREA = (code: string) =>
  `substr(${code}, 1, levels.len) || substr('0000', 1, 6 - levels.len)`;

type Column = [name: string, ofScan: string];
type Table = { name: string; key: Column[]; extra: Column[]; batchOnly: boolean; byArea: boolean };
const TABLES: Table[] = [
  {
    name: "scan_day_counters",
    key: [
      ["day", DAY],
      ["organization_id", ORGANIZATION],
      ["region_code", REGION],
    ],
    extra: [],
    batchOnly: false,
    byArea: false,
  },
  {
    name: "scan_area_counters",
    key: [
      ["area_code", AREA("scans.region_code")],
      ["day", DAY],
      ["organization_id", ORGANIZATION],
    ],
    extra: [],
    batchOnly: false,
    byArea: true,
  },
  {
    name: "scan_batch_counters",
    key: [
      ["day", DAY],
      ["batch_id", "batch_id"],
    ],
    extra: [["organization_id", ORGANIZATION]],
    batchOnly: true,
    byArea: false,
  },
  {
    name: "scan_batch_area_counters",
    key: [
      ["area_code", AREA("scans.region_code")],
      ["day", DAY],
      ["batch_id", "batch_id"],
    ],
    extra: [["organization_id", ORGANIZATION]],
    batchOnly: true,
    byArea: true,
  },
];

const names = (columns: Column[]) => columns.map(([name]) => name).join(", ");
const scanWhere = (where: string, t: Table) =>
  `(${where})${t.batchOnly ? " AND batch_id IS NOT NULL" : ""}`;
const scansOf = (t: Table, region = "scans.region_code") =>
  `scans${t.byArea ? ` ${LEVELS(region)}` : ""}`;

/**
 * The counters of the stored scans that `where` (SQL over `scans`) selects, added to the
 * counters as INSERT … SELECT statements with the keys the write path uses: for bulk loads such
 * as the scale bench.
 */
export function countStoredScansStatements(where: string): Statement[] {
  return TABLES.map((t) => {
    const columns = [...t.key, ...t.extra];
    return statement(
      `INSERT INTO ${t.name} (${names(columns)}, ${verdicts.join(", ")})
         SELECT ${columns.map(([, expr]) => expr).join(", ")}, ${verdicts.map((v) => `sum(verdict = '${v}')`).join(", ")}
           FROM ${scansOf(t)} WHERE ${scanWhere(where, t)}
          GROUP BY ${t.key.map((_, i) => i + 1).join(", ")}
         ON CONFLICT (${names(t.key)}) DO UPDATE SET ${verdicts.map((v) => `${v} = ${v} + excluded.${v}`).join(", ")}`,
    );
  });
}

/** Counts one new scan: its day counters and, for a scan of a batch, its batch counters. */
export function countScanStatements(scan: CountedScan): Statement[] {
  const column = verdictColumn(scan.verdict);
  const values: Record<string, string> = {
    day: chinaDate(new Date(scan.at)),
    organization_id: scan.organizationId ?? "",
    region_code: scan.regionCode ?? "",
    batch_id: scan.batchId ?? "",
  };
  const areas = scopeCodesOf(scan.regionCode);
  return TABLES.filter((t) => (scan.batchId || !t.batchOnly) && (areas.length || !t.byArea)).map(
    (t) => {
      const columns = [...t.key, ...t.extra];
      const rows: Record<string, string>[] = t.byArea
        ? areas.map((area) => ({ ...values, area_code: area }))
        : [values];
      return statement(
        `INSERT INTO ${t.name} (${names(columns)}, ${column})
           VALUES ${rows.map(() => `(${columns.map(() => "?").join(", ")}, 1)`).join(", ")}
           ON CONFLICT (${names(t.key)}) DO UPDATE SET ${column} = ${column} + 1`,
        ...rows.flatMap((row) => columns.map(([name]) => row[name])),
      );
    },
  );
}

/** Where a located scan's stored values are read from, and what says this request located it. */
type LocatedSource = {
  from: (t: Table, newRegion: string) => string;
  where: string;
  params: unknown[];
};

function recountStatements(source: LocatedSource, regionCode: string | null, verdict: string) {
  const column = verdictColumn(verdict);
  const newRegion = `?${source.params.length + 1}`;
  return TABLES.flatMap((t) => {
    const where = scanWhere(source.where, t);
    const columns = [...t.key, ...t.extra];
    const located = columns.map(([name, expr]) =>
      name === "region_code" ? newRegion : name === "area_code" ? AREA(newRegion) : expr,
    );
    const usesRegion = t.byArea || columns.some(([name]) => name === "region_code");
    return [
      statement(
        `UPDATE ${t.name} SET ${verdicts.map((v) => `${v} = ${v} - (s.verdict = '${v}')`).join(", ")}
           FROM (SELECT ${t.key.map(([name, expr]) => `${expr} AS ${name}`).join(", ")}, verdict
                   FROM ${source.from(t, "scans.region_code")} WHERE ${where}) AS s
          WHERE ${t.key.map(([name]) => `${t.name}.${name} = s.${name}`).join(" AND ")}`,
        ...source.params,
      ),
      statement(
        `INSERT INTO ${t.name} (${names(columns)}, ${column})
           SELECT ${located.join(", ")}, 1 FROM ${source.from(t, newRegion)} WHERE ${where}
           ON CONFLICT (${names(t.key)}) DO UPDATE SET ${column} = ${column} + 1`,
        // D1 wants exactly the parameters a statement uses: the new region only where it is a key.
        ...(usesRegion ? [...source.params, regionCode ?? ""] : source.params),
      ),
    ];
  });
}

/**
 * Moves scan `id` from the counters of its stored region and verdict to those of `regionCode`
 * and `verdict`, when it has no device location yet. They must run before the statement that
 * stores the location in the same batch: they read the scan as it was, and a scan that another
 * request located first is counted where it is.
 */
export function recountLocatedScanStatements(
  id: string,
  regionCode: string | null,
  verdict: string,
): Statement[] {
  return recountStatements(
    { from: scansOf, where: "id = ?1 AND location_source != 'gps'", params: [id] },
    regionCode,
    verdict,
  );
}

export type StoredScanValues = CountedScan & { id: string };

/**
 * The same for a scan whose row is in a province's scan database: its stored values as read
 * there, and the counters moved only when this request's claim (`claim`) holds the scan's
 * ledger entry, so that two requests locating one scan move them once.
 */
export function recountRoutedLocatedScanStatements(
  stored: StoredScanValues,
  claim: string,
  regionCode: string | null,
  verdict: string,
): Statement[] {
  const values =
    "(SELECT ?1 AS id, ?3 AS scanned_at, ?4 AS organization_id, ?5 AS batch_id, ?6 AS region_code, ?7 AS verdict) AS scans";
  return recountStatements(
    {
      from: (t, region) => `${values}${t.byArea ? ` ${LEVELS(region)}` : ""}`,
      where: "(SELECT located_by FROM scan_ledger WHERE scan_id = ?1) = ?2",
      params: [
        stored.id,
        claim,
        stored.at,
        stored.organizationId,
        stored.batchId,
        stored.regionCode,
        stored.verdict,
      ],
    },
    regionCode,
    verdict,
  );
}

type CounterTable =
  | typeof scanDayCounters
  | typeof scanAreaCounters
  | typeof scanBatchCounters
  | typeof scanBatchAreaCounters;

const sumOf = (t: CounterTable, ...vs: Verdict[]) =>
  sql<number>`coalesce(sum(${sql.join(
    vs.map((v) => t[v]),
    sql` + `,
  )}), 0)`.mapWith(Number);

/** The producers of a regulator's regions: an index range on organizations_region_idx. */
const organizationsIn = (regionCodes: readonly string[]) =>
  sql`(SELECT ${organizations.id} FROM ${organizations} WHERE ${regionCondition(regionCodes, organizations.regionCode)})`;

const areaIn = (
  t: typeof scanAreaCounters | typeof scanBatchAreaCounters,
  regionCodes: readonly string[],
) => {
  const codes = scopeCodesFor(regionCodes);
  return codes.length ? inArray(t.areaCode, codes) : sql`0`;
};

/** Scans per day and verdict among the counters of `t` that `where` selects. */
function dayTotalsOf(
  db: Db,
  t: typeof scanDayCounters | typeof scanAreaCounters,
  where: SQL | undefined,
) {
  return db
    .select({
      day: t.day,
      // Aliased: the D1 batch maps columns by name.
      ...(Object.fromEntries(verdicts.map((v) => [v, sumOf(t, v).as(v)] as const)) as Record<
        Verdict,
        SQL.Aliased<number>
      >),
    })
    .from(t)
    .where(where)
    .groupBy(t.day);
}

export type TopBatch = {
  batchId: string;
  lotCode: string;
  organizationId: string;
  scans: number;
  suspicious: number;
  counterfeit: number;
};

/** The top-batch order: most suspicious or counterfeit scans, then most scans, then id. */
export function byFlaggedScans(a: TopBatch, b: TopBatch) {
  return (
    b.suspicious + b.counterfeit - (a.suspicious + a.counterfeit) ||
    b.scans - a.scans ||
    (a.batchId < b.batchId ? -1 : a.batchId > b.batchId ? 1 : 0)
  );
}

export const TOP_BATCHES = 10;

/** The batches with flagged scans among the counters of `t` that `where` selects, best first. */
function topBatchesOf(
  db: Db,
  t: typeof scanBatchCounters | typeof scanBatchAreaCounters,
  where: SQL | undefined,
) {
  const flagged = sumOf(t, "suspicious", "counterfeit");
  const top = db
    .select({
      batchId: t.batchId,
      scans: sumOf(t, ...verdicts).as("scans"),
      suspicious: sumOf(t, "suspicious").as("suspicious"),
      counterfeit: sumOf(t, "counterfeit").as("counterfeit"),
    })
    .from(t)
    .where(where)
    .groupBy(t.batchId)
    .having(sql`${flagged} > 0`)
    .orderBy(desc(flagged), desc(sumOf(t, ...verdicts)), asc(t.batchId))
    .limit(TOP_BATCHES)
    .as("top");
  return db
    .select({
      batchId: batches.id,
      lotCode: batches.lotCode,
      organizationId: batches.organizationId,
      scans: top.scans,
      suspicious: top.suspicious,
      counterfeit: top.counterfeit,
    })
    .from(top)
    .innerJoin(batches, eq(batches.id, top.batchId))
    .orderBy(desc(sql`${top.suspicious} + ${top.counterfeit}`), desc(top.scans), asc(batches.id));
}

/**
 * The overview's scan statistics over Beijing days from..to (inclusive), as queries for the
 * caller's batch: scans per day by verdict (rows of one day add up), and the top batches (merge
 * by `byFlaggedScans`). An admin or producer reads one query of each; a regulator two of each,
 * over disjoint scans: those of its producers wherever scanned, and those of other producers
 * (or of none) scanned in its regions, answered under the scope codes of its regions.
 */
export function scanCountQueries(db: Db, user: AuthUser, from: string, to: string) {
  const period = (t: CounterTable) => and(gte(t.day, from), lte(t.day, to));
  const d = scanDayCounters;
  const b = scanBatchCounters;
  switch (user.role) {
    case "admin":
      return {
        byDay: [dayTotalsOf(db, d, period(d))],
        topBatches: [topBatchesOf(db, b, period(b))],
      };
    case "producer": {
      const own = (t: typeof d | typeof b) =>
        user.organizationId ? eq(t.organizationId, user.organizationId) : sql`0`;
      return {
        byDay: [dayTotalsOf(db, d, and(own(d), period(d)))],
        topBatches: [topBatchesOf(db, b, and(own(b), period(b)))],
      };
    }
    case "regulator": {
      const own = organizationsIn(user.regionCodes);
      const a = scanAreaCounters;
      const ba = scanBatchAreaCounters;
      const others = (t: typeof a | typeof ba) =>
        and(areaIn(t, user.regionCodes), not(sql`${t.organizationId} IN ${own}`), period(t));
      return {
        byDay: [
          dayTotalsOf(db, d, and(sql`${d.organizationId} IN ${own}`, period(d))),
          dayTotalsOf(db, a, others(a)),
        ],
        topBatches: [
          topBatchesOf(db, b, and(sql`${b.organizationId} IN ${own}`, period(b))),
          topBatchesOf(db, ba, others(ba)),
        ],
      };
    }
    default:
      return { byDay: [dayTotalsOf(db, d, sql`0`)], topBatches: [topBatchesOf(db, b, sql`0`)] };
  }
}

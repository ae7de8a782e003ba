// Scan counters (scan_day_counters, scan_batch_counters, scan_batch_region_counters): kept exact
// by statements that run in the same D1 batch as the scan write they count, so that statistics
// read counters in proportion to the days and keys they return, never the scans.
import { and, asc, desc, eq, gte, lte, not, type SQL, sql } from "drizzle-orm";
import { regionCondition } from "../../lib/access";
import { type Statement, statement } from "../../lib/d1-group-batch";
import { chinaDate } from "../../lib/risk/time";
import type { AuthUser } from "../../types";
import type { Db } from "../client";
import {
  batches,
  organizations,
  scanBatchCounters,
  scanBatchRegionCounters,
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
// instant. Batch tables count only scans of a batch.
const DAY = "date(scanned_at, '+8 hours')";
const ORGANIZATION = "coalesce(organization_id, '')";
const REGION = "coalesce(region_code, '')";
type Column = [name: string, ofScan: string];
const TABLES: { name: string; key: Column[]; extra: Column[]; batchOnly: boolean }[] = [
  {
    name: "scan_day_counters",
    key: [
      ["day", DAY],
      ["organization_id", ORGANIZATION],
      ["region_code", REGION],
    ],
    extra: [],
    batchOnly: false,
  },
  {
    name: "scan_batch_counters",
    key: [
      ["day", DAY],
      ["batch_id", "batch_id"],
    ],
    extra: [["organization_id", ORGANIZATION]],
    batchOnly: true,
  },
  {
    name: "scan_batch_region_counters",
    key: [
      ["day", DAY],
      ["batch_id", "batch_id"],
      ["region_code", REGION],
    ],
    extra: [["organization_id", ORGANIZATION]],
    batchOnly: true,
  },
];

const names = (columns: Column[]) => columns.map(([name]) => name).join(", ");
const scanWhere = (where: string, batchOnly: boolean) =>
  `(${where})${batchOnly ? " AND batch_id IS NOT NULL" : ""}`;

/**
 * The counters of the stored scans that `where` (SQL over scans) selects, added to the counters
 * as INSERT … SELECT statements with the keys the write path uses: for bulk loads such as the
 * scale bench.
 */
export function countStoredScansStatements(where: string): Statement[] {
  return TABLES.map((t) => {
    const columns = [...t.key, ...t.extra];
    return statement(
      `INSERT INTO ${t.name} (${names(columns)}, ${verdicts.join(", ")})
         SELECT ${columns.map(([, expr]) => expr).join(", ")}, ${verdicts.map((v) => `sum(verdict = '${v}')`).join(", ")}
           FROM scans WHERE ${scanWhere(where, t.batchOnly)}
          GROUP BY ${t.key.map((_, i) => i + 1).join(", ")}
         ON CONFLICT (${names(t.key)}) DO UPDATE SET ${verdicts.map((v) => `${v} = ${v} + excluded.${v}`).join(", ")}`,
    );
  });
}

/** Counts one new scan: its day counter and, for a scan of a batch, its batch counters. */
export function countScanStatements(scan: CountedScan): Statement[] {
  const column = verdictColumn(scan.verdict);
  const values: Record<string, string> = {
    day: chinaDate(new Date(scan.at)),
    organization_id: scan.organizationId ?? "",
    region_code: scan.regionCode ?? "",
    batch_id: scan.batchId ?? "",
  };
  return TABLES.filter((t) => scan.batchId || !t.batchOnly).map((t) => {
    const columns = [...t.key, ...t.extra];
    return statement(
      `INSERT INTO ${t.name} (${names(columns)}, ${column}) VALUES (${columns.map(() => "?").join(", ")}, 1)
         ON CONFLICT (${names(t.key)}) DO UPDATE SET ${column} = ${column} + 1`,
      ...columns.map(([name]) => values[name]),
    );
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
  const column = verdictColumn(verdict);
  return TABLES.flatMap((t) => {
    const where = scanWhere("id = ?1 AND location_source != 'gps'", t.batchOnly);
    const located = [...t.key, ...t.extra].map(([name, expr]) =>
      name === "region_code" ? "?2" : expr,
    );
    return [
      statement(
        `UPDATE ${t.name} SET ${verdicts.map((v) => `${v} = ${v} - (s.verdict = '${v}')`).join(", ")}
           FROM (SELECT ${t.key.map(([name, expr]) => `${expr} AS ${name}`).join(", ")}, verdict
                   FROM scans WHERE ${where}) AS s
          WHERE ${t.key.map(([name]) => `${t.name}.${name} = s.${name}`).join(" AND ")}`,
        id,
      ),
      statement(
        `INSERT INTO ${t.name} (${names([...t.key, ...t.extra])}, ${column})
           SELECT ${located.join(", ")}, 1 FROM scans WHERE ${where}
           ON CONFLICT (${names(t.key)}) DO UPDATE SET ${column} = ${column} + 1`,
        // D1 wants exactly the parameters a statement uses: ?2 only where the region is a column.
        ...(located.includes("?2") ? [id, regionCode ?? ""] : [id]),
      ),
    ];
  });
}

type CounterTable =
  | typeof scanDayCounters
  | typeof scanBatchCounters
  | typeof scanBatchRegionCounters;

const sumOf = (t: CounterTable, ...vs: Verdict[]) =>
  sql<number>`coalesce(sum(${sql.join(
    vs.map((v) => t[v]),
    sql` + `,
  )}), 0)`.mapWith(Number);

const organizationsIn = (regionCodes: readonly string[]) =>
  sql`(SELECT ${organizations.id} FROM ${organizations} WHERE ${regionCondition(regionCodes, organizations.regionCode)})`;

/**
 * Day counters `user` may read, as SQL: the same reach as the scans list (scans made in a
 * regulator's regions or of its producers' labels), each region served by an index range.
 */
export function counterScope(user: AuthUser): SQL | undefined {
  switch (user.role) {
    case "admin":
      return undefined;
    case "producer":
      return user.organizationId ? eq(scanDayCounters.organizationId, user.organizationId) : sql`0`;
    case "regulator":
      return sql`(${regionCondition(user.regionCodes, scanDayCounters.regionCode)} OR ${scanDayCounters.organizationId} IN ${organizationsIn(user.regionCodes)})`;
    default:
      return sql`0`;
  }
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
  t: typeof scanBatchCounters | typeof scanBatchRegionCounters,
  where: SQL | undefined,
) {
  const flagged = sumOf(t, "suspicious", "counterfeit");
  const top = db
    .select({
      batchId: t.batchId,
      // Aliased: the D1 batch maps columns by name, and these differ only in their columns.
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
 * caller's batch: scans per day by verdict, and the top batches as one query or, for a
 * regulator, two over disjoint batches (its producers' batches wherever scanned, other
 * producers' batches scanned in its regions) whose results merge by `byFlaggedScans`.
 */
export function scanCountQueries(db: Db, user: AuthUser, from: string, to: string) {
  const period = (t: CounterTable) => and(gte(t.day, from), lte(t.day, to));
  const byDay = db
    .select({
      day: scanDayCounters.day,
      ...(Object.fromEntries(
        verdicts.map((v) => [v, sumOf(scanDayCounters, v).as(v)] as const),
      ) as Record<Verdict, SQL.Aliased<number>>),
    })
    .from(scanDayCounters)
    .where(and(counterScope(user), period(scanDayCounters)))
    .groupBy(scanDayCounters.day);

  const b = scanBatchCounters;
  const r = scanBatchRegionCounters;
  let topBatches: ReturnType<typeof topBatchesOf>[];
  switch (user.role) {
    case "admin":
      topBatches = [topBatchesOf(db, b, period(b))];
      break;
    case "producer":
      topBatches = [
        topBatchesOf(
          db,
          b,
          and(user.organizationId ? eq(b.organizationId, user.organizationId) : sql`0`, period(b)),
        ),
      ];
      break;
    case "regulator": {
      const own = organizationsIn(user.regionCodes);
      topBatches = [
        topBatchesOf(db, b, and(sql`${b.organizationId} IN ${own}`, period(b))),
        topBatchesOf(
          db,
          r,
          and(
            regionCondition(user.regionCodes, r.regionCode),
            not(sql`${r.organizationId} IN ${own}`),
            period(r),
          ),
        ),
      ];
      break;
    }
    default:
      topBatches = [topBatchesOf(db, b, sql`0`)];
  }
  return { byDay, topBatches };
}

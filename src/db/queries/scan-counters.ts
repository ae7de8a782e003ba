// Scan counters (scan_counters): kept exact by statements that run in the same D1 batch as the
// scan write they count, so that statistics read counters in proportion to the days and
// regions they return, never the scans.
import { and, asc, desc, eq, gte, lte, type SQL, sql } from "drizzle-orm";
import { regionCondition } from "../../lib/access";
import { type Statement, statement } from "../../lib/d1-group-batch";
import { chinaDate } from "../../lib/risk/time";
import type { AuthUser } from "../../types";
import type { Db } from "../client";
import { batches, organizations, scanCounters } from "../schema";

export type CountedScan = {
  at: string;
  organizationId: string | null;
  batchId: string | null;
  regionCode: string | null;
  verdict: string;
};

const KEY = "day, organization_id, batch_id, region_code, verdict";

/** Counts one new scan. */
export function countScanStatement(scan: CountedScan): Statement {
  return statement(
    `INSERT INTO scan_counters (${KEY}, scans) VALUES (?, ?, ?, ?, ?, 1)
       ON CONFLICT (${KEY}) DO UPDATE SET scans = scans + 1`,
    chinaDate(new Date(scan.at)),
    scan.organizationId ?? "",
    scan.batchId ?? "",
    scan.regionCode ?? "",
    scan.verdict,
  );
}

// A scan's counter key as SQL over its row; date(..., '+8 hours') is its Beijing day, the same
// day chinaDate gives for the stored instant.
const SCAN_KEY_COLUMNS = `date(scanned_at, '+8 hours'), coalesce(organization_id, ''), coalesce(batch_id, '')`;

/**
 * Moves scan `id` from the counter of its stored region and verdict to that of `regionCode`
 * and `verdict`, when it has no device location yet. They must run before the statement that
 * stores the location in the same batch: they read the scan as it was, and a scan that another
 * request located first is counted where it is.
 */
export function recountLocatedScanStatements(
  id: string,
  regionCode: string | null,
  verdict: string,
): Statement[] {
  return [
    statement(
      `UPDATE scan_counters SET scans = scans - 1
         WHERE (${KEY}) = (SELECT ${SCAN_KEY_COLUMNS}, coalesce(region_code, ''), verdict
                         FROM scans WHERE id = ?1 AND location_source != 'gps')`,
      id,
    ),
    statement(
      `INSERT INTO scan_counters (${KEY}, scans)
         SELECT ${SCAN_KEY_COLUMNS}, ?2, ?3, 1 FROM scans WHERE id = ?1 AND location_source != 'gps'
         ON CONFLICT (${KEY}) DO UPDATE SET scans = scans + 1`,
      id,
      regionCode ?? "",
      verdict,
    ),
  ];
}

/**
 * Counters `user` may read, as SQL: the same reach as the scans list (scans made in a
 * regulator's regions or of its producers' labels), each region served by an index range.
 */
export function counterScope(user: AuthUser): SQL | undefined {
  switch (user.role) {
    case "admin":
      return undefined;
    case "producer":
      return user.organizationId ? eq(scanCounters.organizationId, user.organizationId) : sql`0`;
    case "regulator":
      return sql`(${regionCondition(user.regionCodes, scanCounters.regionCode)} OR ${scanCounters.organizationId} IN (SELECT ${organizations.id} FROM ${organizations} WHERE ${regionCondition(user.regionCodes, organizations.regionCode)}))`;
    default:
      return sql`0`;
  }
}

const total = sql<number>`coalesce(sum(${scanCounters.scans}), 0)`.mapWith(Number);
const ofVerdicts = (...verdicts: string[]) =>
  sql<number>`coalesce(sum(CASE WHEN ${scanCounters.verdict} IN (${sql.join(
    verdicts.map((v) => sql`${v}`),
    sql`, `,
  )}) THEN ${scanCounters.scans} ELSE 0 END), 0)`.mapWith(Number);

/**
 * The overview's scan statistics over Beijing days from..to (inclusive), as two queries for the
 * caller's batch: scans per day and verdict, and the ten batches with the most suspicious or
 * counterfeit scans.
 */
export function scanCountQueries(db: Db, user: AuthUser, from: string, to: string) {
  const where = and(counterScope(user), gte(scanCounters.day, from), lte(scanCounters.day, to));
  const flagged = ofVerdicts("suspicious", "counterfeit");
  return [
    db
      .select({ day: scanCounters.day, verdict: scanCounters.verdict, scans: total.as("scans") })
      .from(scanCounters)
      .where(where)
      .groupBy(scanCounters.day, scanCounters.verdict),
    db
      .select({
        batchId: batches.id,
        lotCode: batches.lotCode,
        organizationId: batches.organizationId,
        // Aliased: the D1 batch maps columns by name, and these differ only in a parameter.
        scans: total.as("scans"),
        suspicious: ofVerdicts("suspicious").as("suspicious"),
        counterfeit: ofVerdicts("counterfeit").as("counterfeit"),
      })
      .from(scanCounters)
      .innerJoin(batches, eq(batches.id, scanCounters.batchId))
      .where(where)
      .groupBy(batches.id)
      .having(sql`${flagged} > 0`)
      .orderBy(desc(flagged), desc(total), asc(batches.id))
      .limit(10),
  ] as const;
}

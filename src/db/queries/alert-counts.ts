// The overview's alerts by rule, from alert_counters (docs/scale.md, "Alerts by rule"). An alert
// is seen within a period [from, to] when its last sight is on or after `from` and its first on
// or before `to`; since the first sight never follows the last, those first seen after `to` are
// among those last seen from `from` on, so the alerts of the period are
//   #(last seen on or after from) − #(first seen after to),
// two suffix sums of per-day counters. The counters are kept exact by one statement in the same
// D1 batch as each alert write that changes what they count: an alert opened, a hit that moves
// its first or last sight to another day, a status change between open and closed.
import {
  type AnyColumn,
  and,
  asc,
  desc,
  eq,
  gte,
  inArray,
  type SQL,
  type SQLChunk,
  sql,
} from "drizzle-orm";
import { unionAll } from "drizzle-orm/sqlite-core";
import type { AlertStatus } from "../../lib/alert-lifecycle";
import { scopeCodesFor } from "../../lib/regions";
import type { AuthUser } from "../../types";
import type { Db } from "../client";
import { alertCounters, alerts, openAlertStatuses } from "../schema";
import { bare } from "../sql";

const c = alertCounters;
const a = alerts;

const isOpen = (status: string) => (openAlertStatuses as readonly string[]).includes(status);
const OPEN = sql`${a.status} IN ${sql.raw(`(${openAlertStatuses.map((s) => `'${s}'`).join(", ")})`)}`;

// An alert counts under every pair of its producer region's and its scan region's scope codes
// (scopeCodesOf in SQL), '' standing for any (level 0), and its organization's alone under
// (organization, '', '').
const LEVELS = sql.raw(
  "(SELECT 0 AS len UNION ALL SELECT 2 UNION ALL SELECT 4 UNION ALL SELECT 6)",
);
const covers = (level: string, code: string) =>
  sql.raw(
    `(${level}.len = 0 OR (${code} GLOB '[0-9][0-9][0-9][0-9][0-9][0-9]' AND (${level}.len = 2 OR substr(${code}, ${level}.len - 1, 2) != '00')))`,
  );
const areaOf = (level: string, code: string) =>
  sql.raw(
    `CASE WHEN ${level}.len = 0 THEN '' ELSE substr(${code}, 1, ${level}.len) || substr('0000', 1, 6 - ${level}.len) END`,
  );

/**
 * Adds to the counters each row of `presences` (rule, organization_id, region_code,
 * scan_region_code, first_at, last_at, open, sign): `sign` alerts last seen on last_at's Beijing
 * day and first seen on first_at's, `sign × open` of them open. An alert's change is its old
 * presence with sign −1 and its new one with +1; the days and keys it leaves unchanged add up to
 * nothing and are not written.
 */
function countPresences(presences: SQL): SQL {
  const delta = (first: 0 | 1, open: boolean) =>
    sql.raw(
      `sum(CASE WHEN e.is_first = ${first} THEN p.sign${open ? " * p.open" : ""} ELSE 0 END)`,
    );
  const columns = [c.organizationId, c.regionArea, c.scanArea, c.day, c.rule];
  const counts = [c.lastSeen, c.openLastSeen, c.firstSeen, c.openFirstSeen];
  return sql`INSERT INTO ${c} (${sql.join(
    [...columns, ...counts].map((column) => bare(column)),
    sql`, `,
  )})
    SELECT CASE WHEN o.own = 1 THEN p.organization_id ELSE '' END, ${areaOf("r", "p.region_code")},
           ${areaOf("s", "p.scan_region_code")},
           date(CASE WHEN e.is_first = 1 THEN p.first_at ELSE p.last_at END, '+8 hours'), p.rule,
           ${delta(0, false)} AS d_last, ${delta(0, true)} AS d_open_last,
           ${delta(1, false)} AS d_first, ${delta(1, true)} AS d_open_first
      FROM (${presences}) AS p
      JOIN (SELECT 0 AS is_first UNION ALL SELECT 1) AS e
      JOIN ${LEVELS} AS r ON ${covers("r", "p.region_code")}
      JOIN ${LEVELS} AS s ON ${covers("s", "p.scan_region_code")}
      JOIN (SELECT 0 AS own UNION ALL SELECT 1) AS o
        ON o.own = 0 OR (p.organization_id IS NOT NULL AND r.len = 0 AND s.len = 0)
     WHERE true
     GROUP BY 1, 2, 3, 4, 5
    HAVING d_last != 0 OR d_open_last != 0 OR d_first != 0 OR d_open_first != 0
    ON CONFLICT (${sql.join(
      columns.map((column) => bare(column)),
      sql`, `,
    )}) DO UPDATE SET ${sql.join(
      counts.map((column) => sql`${bare(column)} = ${column} + excluded.${bare(column)}`),
      sql`, `,
    )}`;
}

/** The presence of the alerts a following WHERE selects, as they are stored or as changed. */
const presenceOf = (
  sign: -1 | 1,
  seen: { first: SQLChunk; last: SQLChunk } = { first: a.firstSeenAt, last: a.lastSeenAt },
  open: SQL = OPEN,
) =>
  sql`SELECT ${a.rule} AS rule, ${a.organizationId} AS organization_id, ${a.regionCode} AS region_code,
         ${a.scanRegionCode} AS scan_region_code, ${seen.first} AS first_at, ${seen.last} AS last_at,
         ${open} AS open, ${sql.raw(String(sign))} AS sign
    FROM ${a}`;

/** Counts the stored alerts that `where` selects (a bulk load such as the scale bench). */
export function countStoredAlerts(where: SQL): SQL {
  return countPresences(sql`${presenceOf(1)} WHERE ${where}`);
}

/**
 * What an alert upsert (src/db/queries/alert-store.ts) changes in the counters, to run just
 * before it: the open alerts `matching` absorb a hit at `raise.at` (their first and last sight
 * become min and max with it), or, when none matches, a new open alert is raised at it.
 */
export function countAlertUpsert(
  matching: SQL,
  raise: {
    rule: SQLChunk;
    organizationId: SQLChunk;
    regionCode: SQLChunk;
    scanRegionCode: SQLChunk;
    at: SQLChunk;
  },
): SQL {
  const { at } = raise;
  const hit = { first: sql`min(${a.firstSeenAt}, ${at})`, last: sql`max(${a.lastSeenAt}, ${at})` };
  return countPresences(
    sql`${presenceOf(-1)} WHERE ${matching}
      UNION ALL ${presenceOf(1, hit)} WHERE ${matching}
      UNION ALL SELECT ${raise.rule}, ${raise.organizationId}, ${raise.regionCode}, ${raise.scanRegionCode},
                       ${at}, ${at}, 1, 1
                 WHERE NOT EXISTS (SELECT 1 FROM ${a} WHERE ${matching})`,
  );
}

/**
 * What moving alert `alertId` from `from` to `to` changes in the counters, to run after the
 * move, guarded by `applied` (the move happened); nothing when both count alike.
 */
export function countAlertTransition(
  alertId: string,
  from: AlertStatus,
  to: AlertStatus,
  applied: SQL,
): SQL | null {
  if (isOpen(from) === isOpen(to)) return null;
  const moved = sql`${a.id} = ${alertId} AND ${a.status} = ${to} AND ${applied}`;
  const flag = (status: AlertStatus) => sql.raw(isOpen(status) ? "1" : "0");
  return countPresences(
    sql`${presenceOf(-1, undefined, flag(from))} WHERE ${moved}
      UNION ALL ${presenceOf(1, undefined, flag(to))} WHERE ${moved}`,
  );
}

/**
 * The counter rows of the alerts `user` may read, each part with its weight: an admin's are every
 * alert's, a producer's its organization's; a regulator's alerts are those whose producer region
 * or scan region lies in its regions, counted as (producer region in them) + (scan region in
 * them) − (both), each part a seek per scope code.
 */
function scopeParts(user: AuthUser): { where: SQL | undefined; weight: 1 | -1 }[] {
  const any = (column: AnyColumn) => eq(column, "");
  const everyAlert = and(any(c.organizationId), any(c.regionArea), any(c.scanArea));
  switch (user.role) {
    case "admin":
      return [{ where: everyAlert, weight: 1 }];
    case "producer":
      return user.organizationId
        ? [
            {
              where: and(
                eq(c.organizationId, user.organizationId),
                any(c.regionArea),
                any(c.scanArea),
              ),
              weight: 1,
            },
          ]
        : [{ where: sql`0`, weight: 1 }];
    case "regulator": {
      const codes = scopeCodesFor(user.regionCodes);
      if (codes.length === 0) return [{ where: sql`0`, weight: 1 }];
      const region = inArray(c.regionArea, codes);
      const scan = inArray(c.scanArea, codes);
      const regional = (...terms: SQL[]) => and(any(c.organizationId), ...terms);
      return [
        { where: regional(region, any(c.scanArea)), weight: 1 },
        { where: regional(any(c.regionArea), scan), weight: 1 },
        { where: regional(region, scan), weight: -1 },
      ];
    }
    default:
      return [{ where: sql`0`, weight: 1 }];
  }
}

/** Alerts per rule, and how many of them are open, among those seen within Beijing days from..to. */
export function alertsByRuleQuery(db: Db, user: AuthUser, from: string, to: string) {
  // Each counter row within its part: last seen from `from` on, less first seen after `to`.
  const seen = (weight: number, last: AnyColumn, first: AnyColumn) =>
    sql<number>`${sql.raw(String(weight))} * (${last} - CASE WHEN ${c.day} > ${to} THEN ${first} ELSE 0 END)`.mapWith(
      Number,
    );
  const [first, second, ...more] = scopeParts(user).map(({ where, weight }) =>
    db
      .select({
        rule: c.rule,
        alerts: seen(weight, c.lastSeen, c.firstSeen).as("alerts"),
        open: seen(weight, c.openLastSeen, c.openFirstSeen).as("open"),
      })
      .from(c)
      .where(and(where, gte(c.day, from))),
  );
  if (!first) throw new Error("no scope");
  const parts = (second ? unionAll(first, second, ...more) : first).as("parts");
  const total = (column: typeof parts.alerts) =>
    sql<number>`coalesce(sum(${column}), 0)`.mapWith(Number);
  return db
    .select({
      rule: parts.rule,
      // Aliased: the D1 batch maps columns by name.
      alerts: total(parts.alerts).as("alerts"),
      open: total(parts.open).as("open"),
    })
    .from(parts)
    .groupBy(parts.rule)
    .having(sql`${total(parts.alerts)} > 0`)
    .orderBy(desc(total(parts.alerts)), asc(parts.rule));
}

// The overview's alerts by rule, from alert_counters (docs/scale.md, "Alerts by rule"). An alert
// is seen within a period [from, to] when its last sight is on or after `from` and its first on
// or before `to`; since the first sight never follows the last, those first seen after `to` are
// among those last seen from `from` on, so the alerts of the period are
//   #(last seen on or after from) − #(first seen after to),
// two suffix sums of per-day counters. The counters are kept exact by the database: triggers on
// alerts (migration 0016) move them in the same transaction as every write of an alert that
// changes what they count (an alert opened, a hit that moves its first or last sight to another
// day, a status change between open and closed).
import { type AnyColumn, and, asc, desc, eq, gte, inArray, type SQL, sql } from "drizzle-orm";
import { unionAll } from "drizzle-orm/sqlite-core";
import { scopeCodesFor } from "../../lib/regions";
import type { AuthUser } from "../../types";
import type { Db } from "../client";
import { alertCounters, alerts } from "../schema";

const c = alertCounters;
const _a = alerts;

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

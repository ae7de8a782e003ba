// The overview's alerts by rule, read from the alerts themselves (see docs/scale.md, "Alerts by
// rule", for why not from counters).
import { and, asc, count, desc, gte, lt, sql } from "drizzle-orm";
import type { AuthUser } from "../../types";
import type { Db } from "../client";
import { alerts } from "../schema";
import { alertScope } from "./scopes";

const OPEN_STATUSES = sql.raw("('new', 'acknowledged', 'investigating')");

/** Alerts per rule, and how many of them are open, among those seen within [startAt, endAt). */
export function alertsByRuleQuery(db: Db, user: AuthUser, startAt: string, endAt: string) {
  return db
    .select({
      rule: alerts.rule,
      alerts: count(),
      open: sql<number>`coalesce(sum(CASE WHEN ${alerts.status} IN ${OPEN_STATUSES} THEN 1 ELSE 0 END), 0)`.mapWith(
        Number,
      ),
    })
    .from(alerts)
    .where(and(alertScope(user), gte(alerts.lastSeenAt, startAt), lt(alerts.firstSeenAt, endAt)))
    .groupBy(alerts.rule)
    .orderBy(desc(count()), asc(alerts.rule));
}

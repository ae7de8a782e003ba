import { and, asc, count, desc, gte, lt, sql } from "drizzle-orm";
import { getDb } from "../../db/client";
import { scanCountQueries } from "../../db/queries/scan-counters";
import { alertScope } from "../../db/queries/scopes";
import { alerts, verdicts } from "../../db/schema";
import { fieldError } from "../../lib/errors";
import { chinaDate } from "../../lib/risk/time";
import type { AppRouteHandler } from "../../types";
import { overviewRange } from "./overview-range";
import type * as routes from "./stats.routes";

type Verdict = (typeof verdicts)[number];
type VerdictCounts = Record<Verdict, number>;

const noVerdicts = (): VerdictCounts =>
  Object.fromEntries(verdicts.map((v) => [v, 0])) as VerdictCounts;

const OPEN_STATUSES = sql.raw("('new', 'acknowledged', 'investigating')");

/** Count of rows where `condition` holds, as one aggregate column. */
const countWhere = (condition: ReturnType<typeof sql>) =>
  sql<number>`coalesce(sum(CASE WHEN ${condition} THEN 1 ELSE 0 END), 0)`.mapWith(Number);

export const overview: AppRouteHandler<typeof routes.overview> = async (c) => {
  const query = c.req.valid("query");
  const result = overviewRange(query.from, query.to, chinaDate());
  if (!result.ok) {
    throw fieldError(result.path, result.message, `Invalid period: ${result.message}.`);
  }
  const { range } = result;
  const user = c.get("user");
  const db = getDb(c.env.DB);

  const [byDay, topBatches] = scanCountQueries(db, user, range.from, range.to);
  const [scansByDay, byRule, flaggedBatches] = await db.batch([
    byDay,
    // An alert counts for the period when it was seen within it.
    db
      .select({
        rule: alerts.rule,
        alerts: count(),
        open: countWhere(sql`${alerts.status} IN ${OPEN_STATUSES}`),
      })
      .from(alerts)
      .where(
        and(
          alertScope(user),
          gte(alerts.lastSeenAt, range.startAt),
          lt(alerts.firstSeenAt, range.endAt),
        ),
      )
      .groupBy(alerts.rule)
      .orderBy(desc(count()), asc(alerts.rule)),
    topBatches,
  ]);

  const perDay = new Map(range.days.map((d) => [d, noVerdicts()]));
  const mix = noVerdicts();
  for (const row of scansByDay) {
    mix[row.verdict] += row.scans;
    const counts = perDay.get(row.day);
    if (counts) counts[row.verdict] += row.scans;
  }
  const total = (counts: VerdictCounts) => verdicts.reduce((sum, v) => sum + counts[v], 0);
  return c.json(
    {
      from: range.from,
      to: range.to,
      time_zone: "Asia/Shanghai" as const,
      totals: {
        scans: total(mix),
        flagged_scans: mix.suspicious + mix.counterfeit,
        alerts: byRule.reduce((sum, r) => sum + r.alerts, 0),
        open_alerts: byRule.reduce((sum, r) => sum + r.open, 0),
      },
      scans_per_day: [...perDay].map(([date, counts]) => ({
        date,
        scans: total(counts),
        verdicts: counts,
      })),
      verdict_mix: mix,
      alerts_by_rule: byRule,
      top_batches: flaggedBatches.map((b) => ({
        batch_id: b.batchId,
        lot_code: b.lotCode,
        organization_id: b.organizationId,
        scans: b.scans,
        suspicious: b.suspicious,
        counterfeit: b.counterfeit,
      })),
    },
    200,
  );
};

import { and, asc, count, desc, eq, gte, lt, sql } from "drizzle-orm";
import { getDb } from "../../db/client";
import { alertScope, scanScope } from "../../db/queries/scopes";
import { alerts, batches, organizations, scans, verdicts } from "../../db/schema";
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

  const inPeriod = and(gte(scans.scannedAt, range.startAt), lt(scans.scannedAt, range.endAt));
  const scope = scanScope(user);
  // SQLite's date() reads the stored ISO instants (with Z); +8 hours makes it a Beijing day.
  const day = sql<string>`date(${scans.scannedAt}, '+8 hours')`;
  const suspicious = countWhere(sql`${scans.verdict} = 'suspicious'`);
  const counterfeit = countWhere(sql`${scans.verdict} = 'counterfeit'`);
  const flagged = sql`sum(CASE WHEN ${scans.verdict} IN ('suspicious', 'counterfeit') THEN 1 ELSE 0 END)`;

  const [byDay, byRule, topBatches] = await db.batch([
    db
      .select({ day, verdict: scans.verdict, scans: count() })
      .from(scans)
      .leftJoin(organizations, eq(organizations.id, scans.organizationId))
      .where(and(scope, inPeriod))
      .groupBy(day, scans.verdict),
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
    db
      .select({
        batchId: batches.id,
        lotCode: batches.lotCode,
        organizationId: batches.organizationId,
        scans: count(),
        suspicious,
        counterfeit,
      })
      .from(scans)
      .innerJoin(batches, eq(batches.id, scans.batchId))
      .leftJoin(organizations, eq(organizations.id, scans.organizationId))
      .where(and(scope, inPeriod))
      .groupBy(batches.id)
      .having(sql`${flagged} > 0`)
      .orderBy(desc(flagged), desc(count()), asc(batches.id))
      .limit(10),
  ]);

  const perDay = new Map(range.days.map((d) => [d, noVerdicts()]));
  const mix = noVerdicts();
  for (const row of byDay) {
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
      top_batches: topBatches.map((b) => ({
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

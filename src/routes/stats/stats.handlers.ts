import { getDb } from "../../db/client";
import { alertsByRuleQuery } from "../../db/queries/alert-counts";
import {
  byFlaggedScans,
  scanCountQueries,
  TOP_BATCHES,
  type TopBatch,
} from "../../db/queries/scan-counters";
import { verdicts } from "../../db/schema";
import { chinaDate } from "../../lib/beijing-time";
import { fieldError } from "../../lib/errors";
import { openAlertsBySeverity } from "../../lib/risk/settings";
import type { AppRouteHandler } from "../../types";
import { overviewRange } from "./overview-range";
import type * as routes from "./stats.routes";

type Verdict = (typeof verdicts)[number];
type VerdictCounts = Record<Verdict, number>;
type DayRow = VerdictCounts & { day: string };

const noVerdicts = (): VerdictCounts =>
  Object.fromEntries(verdicts.map((v) => [v, 0])) as VerdictCounts;

export const overview: AppRouteHandler<typeof routes.overview> = async (c) => {
  const query = c.req.valid("query");
  const result = overviewRange(query.from, query.to, chinaDate());
  if (!result.ok) {
    throw fieldError(result.path, result.message, `Invalid period: ${result.message}.`);
  }
  const { range } = result;
  const user = c.get("user");
  const db = getDb(c.env.DB);

  const { byDay, topBatches } = scanCountQueries(db, user, range.from, range.to);
  // An alert counts for the period when it was seen within it.
  const [byRule, ...counts] = await db.batch([
    alertsByRuleQuery(db, user, range.from, range.to),
    ...byDay,
    ...topBatches,
  ]);
  const scansByDay = counts.slice(0, byDay.length).flat() as DayRow[];
  const flaggedBatches = (counts.slice(byDay.length).flat() as TopBatch[])
    .sort(byFlaggedScans)
    .slice(0, TOP_BATCHES);

  const perDay = new Map(range.days.map((d) => [d, noVerdicts()]));
  const mix = noVerdicts();
  for (const row of scansByDay) {
    const counts = perDay.get(row.day);
    for (const v of verdicts) {
      mix[v] += row[v];
      if (counts) counts[v] += row[v];
    }
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
      open_alerts_by_severity: openAlertsBySeverity(byRule),
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

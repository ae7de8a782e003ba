import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonContent } from "../../lib/openapi";
import { authenticated } from "../../middleware/auth";
import { MAX_DAYS } from "./overview-range";

const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "a calendar day YYYY-MM-DD")
  .openapi({ example: "2026-11-01" });

const count = () => z.number().int();
const VerdictCountsSchema = z
  .object({
    genuine: count(),
    warning: count(),
    suspicious: count(),
    counterfeit: count(),
    recalled: count(),
    invalid: count(),
  })
  .openapi("VerdictCounts");

export const OverviewSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    time_zone: z
      .literal("Asia/Shanghai")
      .openapi({ description: "Days are Beijing calendar days" }),
    totals: z.object({
      scans: z.number().int(),
      flagged_scans: z
        .number()
        .int()
        .openapi({ description: "Scans answered suspicious or counterfeit" }),
      alerts: z.number().int(),
      open_alerts: z.number().int().openapi({ description: "new, acknowledged or investigating" }),
    }),
    scans_per_day: z.array(
      z.object({ date: z.string(), scans: z.number().int(), verdicts: VerdictCountsSchema }),
    ),
    verdict_mix: VerdictCountsSchema,
    alerts_by_rule: z.array(
      z.object({ rule: z.string(), alerts: z.number().int(), open: z.number().int() }),
    ),
    open_alerts_by_severity: z
      .object({
        low: z.number().int(),
        medium: z.number().int(),
        high: z.number().int(),
        critical: z.number().int(),
      })
      .openapi({
        description:
          "The open alerts of alerts_by_rule by severity (an alert keeps the severity of its rule)",
      }),
    top_batches: z.array(
      z.object({
        batch_id: z.string(),
        lot_code: z.string(),
        organization_id: z.string(),
        scans: z.number().int(),
        suspicious: z.number().int(),
        counterfeit: z.number().int(),
      }),
    ),
  })
  .openapi("StatsOverview");

export const overview = createRoute({
  method: "get",
  path: "/v1/stats/overview",
  operationId: "getStatsOverview",
  tags: ["stats"],
  summary: "Scans per day, verdict mix, alerts by rule and the most flagged batches",
  description: `Over Beijing calendar days from..to (default: the last 30 days; at most ${MAX_DAYS}). Admin: everything; regulator: scans made in its regions or of its producers' labels, and alerts by producer or scan region; producer: its own organization. Alerts count when seen within the period; top batches rank by suspicious + counterfeit scans (at most 10).`,
  ...authenticated("admin", "regulator", "producer"),
  request: {
    query: z.object({
      from: Day.optional(),
      to: Day.optional().openapi({ description: "Inclusive; defaults to today in Beijing" }),
    }),
  },
  responses: { 200: jsonContent(OverviewSchema, "The overview"), ...errorResponses(400, 401, 403) },
});

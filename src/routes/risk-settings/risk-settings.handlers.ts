import { getDb } from "../../db/client";
import { auditEntry } from "../../db/queries/audit";
import { loadRiskSettings, rememberRiskSettings } from "../../db/queries/risk-settings";
import { riskSettings } from "../../db/schema";
import { mergeRiskSettings } from "../../lib/risk";
import type { AppRouteHandler } from "../../types";
import type * as routes from "./risk-settings.routes";

export const get: AppRouteHandler<typeof routes.get> = async (c) =>
  c.json(await loadRiskSettings(c.env.DB, true), 200);

export const put: AppRouteHandler<typeof routes.put> = async (c) => {
  const before = await loadRiskSettings(c.env.DB, true);
  const after = mergeRiskSettings(before, c.req.valid("json"));
  const db = getDb(c.env.DB);
  const now = new Date().toISOString();
  await db.batch([
    db
      .insert(riskSettings)
      .values({ key: "current", settings: after, updatedBy: c.get("user").id, updatedAt: now })
      .onConflictDoUpdate({
        target: riskSettings.key,
        set: { settings: after, updatedBy: c.get("user").id, updatedAt: now },
      }),
    auditEntry(c, {
      action: "risk_settings.update",
      targetType: "risk_settings",
      targetId: "current",
      before,
      after,
    }),
  ]);
  rememberRiskSettings(after);
  return c.json(after, 200);
};

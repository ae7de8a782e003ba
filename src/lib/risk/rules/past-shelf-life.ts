import { type RuleToggle, ruleSeverity } from "../settings";
import { DAY_MS, parseInstant } from "../time";
import type { LabelContext, RuleHit, ScanObservation } from "../types";

/** The product's shelf life ended before this scan. A consumer matter: no alert. */
export function pastShelfLife(
  ctx: LabelContext,
  scan: ScanObservation,
  params: RuleToggle,
): RuleHit | null {
  if (!params.enabled || ctx.shelfLifeDays === null || !Number.isFinite(ctx.shelfLifeDays)) {
    return null;
  }
  const producedAt = parseInstant(ctx.producedAt);
  const scannedAt = parseInstant(scan.at);
  if (producedAt === null || scannedAt === null) return null;
  const expiresAt = producedAt + ctx.shelfLifeDays * DAY_MS;
  if (!(expiresAt < scannedAt)) return null;
  return {
    rule: "past_shelf_life",
    verdict: "warning",
    severity: ruleSeverity.past_shelf_life,
    alert: false,
    subject: "label",
    detail: {
      shelf_life_days: ctx.shelfLifeDays,
      expired_at: new Date(expiresAt).toISOString(),
      days_past: Math.floor((scannedAt - expiresAt) / DAY_MS),
    },
  };
}

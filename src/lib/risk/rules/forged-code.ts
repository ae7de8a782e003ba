import { type RiskSettings, ruleSeverity } from "../settings";
import { minutesBefore } from "../time";
import type { RuleHit } from "../types";

/** Start of the look-back window in which the caller counts invalid scans (ISO), for `at`. */
export function forgedCodeWindowStart(
  at: string,
  params: RiskSettings["forged_code"],
): string | null {
  return minutesBefore(at, params.burst_window_minutes);
}

/**
 * The burst check of forged_code. An unknown or forged code is always `invalid` (no rule decides
 * that); this raises a forgery-probe alert when one client or one region produced at least
 * burst_count invalid scans within the window, `invalidScansInWindow` including the current one.
 * Call it once per subject: with the client's count, then with the region's.
 */
export function forgedCodeBurst(
  invalidScansInWindow: number,
  params: RiskSettings["forged_code"],
  subject: "client" | "region" = "client",
): RuleHit | null {
  if (!params.enabled || !(invalidScansInWindow >= params.burst_count)) return null;
  return {
    rule: "forged_code",
    verdict: "invalid",
    severity: ruleSeverity.forged_code,
    alert: true,
    subject,
    detail: {
      invalid_scans: invalidScansInWindow,
      burst_count: params.burst_count,
      window_minutes: params.burst_window_minutes,
    },
  };
}

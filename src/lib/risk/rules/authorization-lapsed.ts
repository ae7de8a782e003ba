import { chinaDate } from "../../beijing-time";
import { type RuleToggle, ruleSeverity } from "../settings";
import type { LabelContext, RuleHit, ScanObservation } from "../types";

export type LapseReason =
  | "authorization_suspended"
  | "authorization_revoked"
  | "authorization_not_yet_valid"
  | "authorization_expired"
  | "gi_product_suspended"
  | "gi_product_revoked";

/**
 * The GI mark is used without a standing authorization: the authorization is suspended or
 * revoked, the scan's day (Beijing time) lies outside valid_from..valid_until (both inclusive),
 * or the GI product itself is not active.
 */
export function authorizationLapsed(
  ctx: LabelContext,
  scan: ScanObservation,
  params: RuleToggle,
): RuleHit | null {
  if (!params.enabled) return null;
  const { authorization } = ctx;
  const lapses: LapseReason[] = [];
  if (authorization.status !== "active") lapses.push(`authorization_${authorization.status}`);
  const scanDay = chinaDate(scan.at);
  if (scanDay !== null) {
    // Accept full timestamps too: only the day counts.
    if (scanDay < authorization.validFrom.slice(0, 10)) lapses.push("authorization_not_yet_valid");
    if (scanDay > authorization.validUntil.slice(0, 10)) lapses.push("authorization_expired");
  }
  if (ctx.giProductStatus !== "active") lapses.push(`gi_product_${ctx.giProductStatus}`);
  if (lapses.length === 0) return null;
  return {
    rule: "authorization_lapsed",
    verdict: "suspicious",
    severity: ruleSeverity.authorization_lapsed,
    alert: true,
    subject: "authorization",
    detail: {
      lapses,
      scan_date: scanDay,
      valid_from: authorization.validFrom,
      valid_until: authorization.validUntil,
    },
  };
}

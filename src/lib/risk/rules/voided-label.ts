import { type RuleToggle, ruleSeverity } from "../settings";
import type { LabelContext, RuleHit, ScanObservation } from "../types";

/** A voided label still in circulation: a copied code or goods that should have been pulled. */
export function voidedLabel(
  ctx: LabelContext,
  _scan: ScanObservation,
  params: RuleToggle,
): RuleHit | null {
  if (!params.enabled || ctx.labelStatus !== "voided") return null;
  return {
    rule: "voided_label",
    verdict: "counterfeit",
    severity: ruleSeverity.voided_label,
    alert: true,
    subject: "label",
    detail: {},
  };
}

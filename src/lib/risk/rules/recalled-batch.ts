import { type RuleToggle, ruleSeverity } from "../settings";
import type { LabelContext, RuleHit, ScanObservation } from "../types";

/** An item of a recalled batch is still being sold or used. */
export function recalledBatch(
  ctx: LabelContext,
  _scan: ScanObservation,
  params: RuleToggle,
): RuleHit | null {
  if (!params.enabled || ctx.batchStatus !== "recalled") return null;
  return {
    rule: "recalled_batch",
    verdict: "recalled",
    severity: ruleSeverity.recalled_batch,
    alert: true,
    subject: "batch",
    detail: {},
  };
}

import { type RuleToggle, ruleSeverity } from "../settings";
import type { LabelContext, RuleHit, ScanObservation } from "../types";

/** Labels of a batch still in draft reached a consumer: leaked or misused labels. */
export function unreleasedBatch(
  ctx: LabelContext,
  _scan: ScanObservation,
  params: RuleToggle,
): RuleHit | null {
  if (!params.enabled || ctx.batchStatus !== "draft") return null;
  return {
    rule: "unreleased_batch",
    verdict: "suspicious",
    severity: ruleSeverity.unreleased_batch,
    alert: true,
    subject: "batch",
    detail: {},
  };
}

import { type RiskSettings, ruleSeverity } from "../settings";
import type { RuleHit } from "../types";

export interface BatchScanStats {
  /** Labels of the batch scanned at least once. */
  labelsScanned: number;
  /** Of those, labels flagged as copied (many_clients, impossible_travel or wide_spread). */
  labelsFlagged: number;
}

/** The rules whose hits count a label as copied for batch_anomaly. */
export const copiedCodeRules = ["many_clients", "impossible_travel", "wide_spread"] as const;

/**
 * A batch whose scanned labels are copied in a share of at least min_share, once at least
 * min_labels were scanned (so two flagged labels out of three do not alert): the batch's codes
 * are being reproduced in bulk. An alert on the batch only; evaluateLabelScan does not run it,
 * so it never changes a scan's verdict.
 */
export function batchAnomaly(
  stats: BatchScanStats,
  params: RiskSettings["batch_anomaly"],
): RuleHit | null {
  if (!params.enabled || !(stats.labelsScanned >= params.min_labels)) return null;
  const share = stats.labelsFlagged / stats.labelsScanned;
  if (!(share >= params.min_share)) return null;
  return {
    rule: "batch_anomaly",
    verdict: "suspicious",
    severity: ruleSeverity.batch_anomaly,
    alert: true,
    subject: "batch",
    detail: {
      labels_scanned: stats.labelsScanned,
      labels_flagged: stats.labelsFlagged,
      share: Math.round(share * 1000) / 1000,
      min_share: params.min_share,
      min_labels: params.min_labels,
    },
  };
}

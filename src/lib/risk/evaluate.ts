import { authorizationLapsed } from "./rules/authorization-lapsed";
import { impossibleTravel } from "./rules/impossible-travel";
import { manyClients } from "./rules/many-clients";
import { pastShelfLife } from "./rules/past-shelf-life";
import { recalledBatch } from "./rules/recalled-batch";
import { unreleasedBatch } from "./rules/unreleased-batch";
import { voidedLabel } from "./rules/voided-label";
import { wideSpread } from "./rules/wide-spread";
import {
  defaultRiskSettings,
  MAX_TRACKED_CLIENT_KEYS,
  MAX_TRACKED_SCAN_REGIONS,
  type RiskSettings,
} from "./settings";
import type { Evaluation, LabelContext, RuleHit, ScanObservation, Verdict } from "./types";

/**
 * Verdicts from least to most severe. Combining hits keeps the most severe:
 * counterfeit > recalled > suspicious > warning > genuine.
 * - counterfeit over recalled: a voided or copied code says the item is not the registered one
 *   at all, so the recall of the registered batch is not what the consumer holds.
 * - recalled over suspicious: the recall is a certain safety fact, suspicion a likelihood.
 * - invalid (no such label) ranks above all, but only forged_code yields it and label
 *   evaluation never does: a scan is either of an unknown code or of a label.
 */
export const verdictSeverityOrder: readonly Verdict[] = Object.freeze([
  "genuine",
  "warning",
  "suspicious",
  "recalled",
  "counterfeit",
  "invalid",
]);

/** Position of `verdict` in verdictSeverityOrder: higher is more severe. */
export function verdictRank(verdict: Verdict): number {
  return verdictSeverityOrder.indexOf(verdict);
}

/** The most severe of `verdicts`; genuine when there are none. */
export function combineVerdicts(verdicts: Iterable<Verdict>): Verdict {
  let worst: Verdict = "genuine";
  for (const verdict of verdicts) {
    if (verdictRank(verdict) > verdictRank(worst)) worst = verdict;
  }
  return worst;
}

/**
 * `list` without duplicates or empty entries, with `item` appended when new, keeping the most
 * recent `cap` entries so that the current one is always kept.
 */
function appendDistinct(list: readonly string[], item: string | null, cap: number): string[] {
  const distinct = new Set(list);
  if (item) {
    distinct.delete(item);
    distinct.add(item);
  }
  distinct.delete("");
  const result = [...distinct];
  return result.length > cap ? result.slice(result.length - cap) : result;
}

/** The client keys and prefecture codes to store on the label after this scan. */
export function nextScanHistory(ctx: LabelContext, scan: ScanObservation): Evaluation["next"] {
  return {
    clientKeys: appendDistinct(ctx.clientKeys, scan.clientKey, MAX_TRACKED_CLIENT_KEYS),
    scanRegions: appendDistinct(ctx.scanRegions, scan.prefectureCode, MAX_TRACKED_SCAN_REGIONS),
  };
}

/**
 * Runs every label rule on one scan of a known label. forged_code (unknown codes) and
 * batch_anomaly (a batch's statistics) are separate: forgedCodeBurst and batchAnomaly.
 */
export function evaluateLabelScan(
  ctx: LabelContext,
  scan: ScanObservation,
  settings: RiskSettings = defaultRiskSettings,
): Evaluation {
  const hits = [
    voidedLabel(ctx, scan, settings.voided_label),
    recalledBatch(ctx, scan, settings.recalled_batch),
    unreleasedBatch(ctx, scan, settings.unreleased_batch),
    authorizationLapsed(ctx, scan, settings.authorization_lapsed),
    pastShelfLife(ctx, scan, settings.past_shelf_life),
    manyClients(ctx, scan, settings.many_clients),
    impossibleTravel(ctx, scan, settings.impossible_travel),
    wideSpread(ctx, scan, settings.wide_spread),
  ].filter((hit): hit is RuleHit => hit !== null);
  return {
    verdict: combineVerdicts(hits.map((hit) => hit.verdict)),
    hits,
    reasons: hits.map((hit) => hit.rule),
    next: nextScanHistory(ctx, scan),
  };
}

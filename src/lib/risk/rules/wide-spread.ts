import { type RiskSettings, ruleSeverity } from "../settings";
import type { LabelContext, RuleHit, ScanObservation } from "../types";

/** Distinct prefectures the code was scanned in, this scan included when it has one. */
export function distinctRegions(ctx: LabelContext, scan: ScanObservation): string[] {
  const regions = new Set(ctx.scanRegions);
  if (scan.prefectureCode) regions.add(scan.prefectureCode);
  regions.delete("");
  return [...regions];
}

/** One item's code turns up in min_regions or more prefectures: it has been copied. */
export function wideSpread(
  ctx: LabelContext,
  scan: ScanObservation,
  params: RiskSettings["wide_spread"],
): RuleHit | null {
  if (!params.enabled) return null;
  const regions = distinctRegions(ctx, scan);
  if (regions.length < params.min_regions) return null;
  return {
    rule: "wide_spread",
    verdict: "suspicious",
    severity: ruleSeverity.wide_spread,
    alert: true,
    subject: "label",
    detail: {
      distinct_regions: regions.length,
      min_regions: params.min_regions,
      region_codes: regions,
    },
  };
}

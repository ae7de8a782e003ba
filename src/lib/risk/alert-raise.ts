// What an alert raised by a rule hit is about, and from when an open alert absorbs a new hit.
import type { AlertRaise } from "../../db/queries/alert-store";
import type { LabelContextRow } from "../../db/queries/scan-store";
import { forgedCodeBurst } from "./rules/forged-code";
import type { RiskSettings } from "./settings";
import type { RuleHit } from "./types";

/** The alert subject of a hit and the ids that let regulators and producers find it. */
export function raiseFor(
  hit: RuleHit,
  row: LabelContextRow,
  scanRegion: string | null,
): AlertRaise {
  const subjectId =
    hit.subject === "batch"
      ? row.batch.id
      : hit.subject === "authorization"
        ? row.authorization.id
        : row.label.code;
  return {
    hit,
    subjectType: hit.subject === "batch" || hit.subject === "authorization" ? hit.subject : "label",
    subjectId,
    labelCode: hit.subject === "label" ? row.label.code : null,
    batchId: row.batch.id,
    authorizationId: row.authorization.id,
    organizationId: row.organization.id,
    regionCode: row.organization.regionCode,
    scanRegionCode: scanRegion,
  };
}

export const cooldownStart = (at: string, settings: RiskSettings) =>
  new Date(Date.parse(at) - settings.general.alert_cooldown_minutes * 60_000).toISOString();

/** Counts of invalid scans in the burst window before this one, per source and per region. */
export type InvalidScanCounts = { client: number; region: number };

/**
 * The forgery-probe alerts of an invalid scan from `sourceKey` in `regionCode`, given the
 * invalid scans already counted in the window (the scan itself not included).
 */
export function forgedCodeRaises(
  scan: { sourceKey: string; regionCode: string | null },
  counts: InvalidScanCounts,
  params: RiskSettings["forged_code"],
): AlertRaise[] {
  const subjects = [
    { type: "client" as const, id: scan.sourceKey, count: counts.client },
    { type: "region" as const, id: scan.regionCode, count: counts.region },
  ];
  return subjects.flatMap((subject) => {
    const hit = subject.id ? forgedCodeBurst(subject.count + 1, params, subject.type) : null;
    if (!hit || !subject.id) return [];
    return [
      {
        hit,
        subjectType: subject.type,
        subjectId: subject.id,
        labelCode: null,
        batchId: null,
        authorizationId: null,
        organizationId: null,
        regionCode: null,
        scanRegionCode: scan.regionCode,
      },
    ];
  });
}

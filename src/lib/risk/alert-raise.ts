// What an alert raised by a rule hit is about, and from when an open alert absorbs a new hit.
import type { AlertRaise } from "../../db/queries/alert-store";
import type { LabelContextRow } from "../../db/queries/scan-store";
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

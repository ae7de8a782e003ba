import {
  type LabelContextRow,
  type LabelScanWrite,
  labelContextOf,
  type ScanRecord,
} from "../../db/queries/scan-store";
import {
  batchAnomaly,
  copiedCodeRules,
  type Evaluation,
  evaluateLabelScan,
  type RiskSettings,
} from "../../lib/risk";
import { cooldownStart, raiseFor } from "../../lib/risk/alert-raise";

/**
 * The rules run on a scan of a real label, and what storing it writes: the scan with its verdict,
 * whether it flags the label as copied, and the upserts of the alerts it raises.
 */
export function evaluateScanOf(
  row: LabelContextRow,
  base: Omit<ScanRecord, "verdict" | "reasons">,
  settings: RiskSettings,
): { evaluation: Evaluation; write: LabelScanWrite } {
  // The location rules see device GPS only (see storeLabelScan); IP geolocation is kept for
  // the region of the scan, its statistics and the regulator's scope.
  const gps = base.locationSource === "gps";
  const evaluation = evaluateLabelScan(
    labelContextOf(row),
    {
      at: base.at,
      clientKey: base.sourceKey,
      lat: gps ? base.lat : null,
      lng: gps ? base.lng : null,
      prefectureCode: gps ? base.regionCode : null,
    },
    settings,
  );
  const copyFlagged = evaluation.hits.some((hit) =>
    (copiedCodeRules as readonly string[]).includes(hit.rule),
  );
  const firstFlag = copyFlagged && row.label.flaggedByScan === null;
  const firstScan = row.label.scanCount === 0;
  const anomaly = batchAnomaly(
    {
      labelsScanned: row.batch.labelsScanned + (firstScan ? 1 : 0),
      labelsFlagged: row.batch.labelsFlagged + (firstFlag ? 1 : 0),
    },
    settings.batch_anomaly,
  );
  const alerts = [...evaluation.hits, ...(anomaly && (firstFlag || firstScan) ? [anomaly] : [])]
    .filter((hit) => hit.alert)
    .map((hit) => raiseFor(hit, row, base.regionCode));
  return {
    evaluation,
    write: {
      scan: {
        ...base,
        labelCode: row.label.code,
        batchId: row.batch.id,
        organizationId: row.organization.id,
        verdict: evaluation.verdict,
        reasons: evaluation.reasons,
      },
      copyFlagged,
      touchBatch: firstScan || firstFlag,
      alerts,
      cooldownStart: cooldownStart(base.at, settings),
      producerRegionCode: row.organization.regionCode,
    },
  };
}

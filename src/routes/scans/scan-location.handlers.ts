import { alertUpsertStatements } from "../../db/queries/alert-store";
import { loadRiskSettings } from "../../db/queries/risk-settings";
import { readScanToLocate, storeScanLocation } from "../../db/queries/scan-location";
import { labelContextOf, readLabelContext } from "../../db/queries/scan-store";
import { scanDatabases } from "../../db/scan-databases";
import { MAX_USEFUL_ACCURACY_M } from "../../lib/client-context";
import { ApiError } from "../../lib/errors";
import { prefectureAt, roundToKilometre } from "../../lib/geo";
import { copiedCodeRules, evaluateLabelScan } from "../../lib/risk";
import { cooldownStart, raiseFor } from "../../lib/risk/alert-raise";
import { scanIngestMode } from "../../lib/scan-ingest-mode";
import { checkLocationToken } from "../../lib/scan-location-token";
import type { AppRouteHandler } from "../../types";
import { labelScanAnswer } from "./scan-answer";
import type * as routes from "./scans.routes";

const isCopyRule = (rule: string) => (copiedCodeRules as readonly string[]).includes(rule);

export const addLocation: AppRouteHandler<typeof routes.addLocation> = async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  const check = await checkLocationToken(c.env.CLIENT_ID_PEPPER, id, body.token);
  if (check === "forged") {
    throw new ApiError("forbidden", "Only the client that made this scan can add its location.");
  }
  if (check === "expired") {
    throw new ApiError(
      "location_window_closed",
      "A location can only be added within minutes of the scan; scan the label again instead.",
    );
  }
  if (body.accuracy_m !== undefined && body.accuracy_m > MAX_USEFUL_ACCURACY_M) {
    throw new ApiError(
      "unprocessable",
      `A location less precise than ${MAX_USEFUL_ACCURACY_M} m says too little about where the scan happened.`,
    );
  }
  const databases = scanDatabases(c.env);
  const found = await readScanToLocate(databases, id);
  if (!found && scanIngestMode(c.env.SCAN_INGEST) === "queue") {
    // The token proves the scan was answered within minutes: it is still in the queue.
    throw new ApiError(
      "scan_pending",
      "The scan is not stored yet; send the location again in a moment.",
      { headers: { "Retry-After": "1" } },
    );
  }
  const labelCode = found?.scan.labelCode;
  if (!found || !labelCode) throw new ApiError("not_found", `No scan ${id} exists.`);
  const { scan, nearestGps } = found;
  if (scan.locationSource === "gps") {
    throw new ApiError("conflict", "This scan already has its device location.");
  }
  const [row, settings] = await Promise.all([
    readLabelContext(c.env.DB, labelCode),
    loadRiskSettings(c.env.DB),
  ]);
  if (!row) throw new ApiError("not_found", `No scan ${id} exists.`);

  const rounded = roundToKilometre(body.lat, body.lng);
  const regionCode = prefectureAt(rounded.lat, rounded.lng);
  // The rules judge the scan again as if its location had come with it: compared with the
  // device-located scan of the label nearest in time, not with itself.
  const context = {
    ...labelContextOf(row),
    lastScan: nearestGps ? { at: nearestGps.at, lat: nearestGps.lat, lng: nearestGps.lng } : null,
  };
  const evaluation = evaluateLabelScan(
    context,
    {
      at: scan.scannedAt,
      clientKey: scan.sourceKey,
      lat: rounded.lat,
      lng: rounded.lng,
      prefectureCode: regionCode,
    },
    settings,
  );
  const newHits = evaluation.hits.filter((hit) => !scan.reasons.includes(hit.rule));
  const firstFlag = row.label.flaggedByScan === null && newHits.some((hit) => isCopyRule(hit.rule));
  const cooldown = cooldownStart(scan.scannedAt, settings);
  const counters = await storeScanLocation(databases, found.database, {
    scan,
    lat: rounded.lat,
    lng: rounded.lng,
    regionCode,
    verdict: evaluation.verdict,
    reasons: evaluation.reasons,
    firstFlag,
    alerts: newHits
      .filter((hit) => hit.alert)
      .flatMap((hit) =>
        alertUpsertStatements(raiseFor(hit, row, regionCode), scan.scannedAt, cooldown),
      ),
  });
  if (!counters) throw new ApiError("conflict", "This scan already has its device location.");
  return c.json(
    await labelScanAnswer(c, { id: scan.id, at: scan.scannedAt }, row, evaluation, counters),
    200,
  );
};

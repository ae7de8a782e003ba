// Reads and writes of a location added to a scan after its verdict (POST /v1/scans/{id}/location).
import { prepareAll, type Statement, statement } from "../../lib/d1-group-batch";
import { MAX_TRACKED_SCAN_REGIONS } from "../../lib/risk";
import { recountLocatedScanStatements } from "./scan-counters";

export type ScanToLocate = {
  id: string;
  labelCode: string | null;
  batchId: string | null;
  /** The source the distinct-client rules count (see sourceKeyOf). */
  sourceKey: string;
  scannedAt: string;
  locationSource: "gps" | "ip" | "none";
  reasons: string[];
};

export type NearestGpsScan = { at: string; lat: number; lng: number } | null;

/** The scan and the device-located scan of its label nearest before it (else after it). */
export async function readScanToLocate(
  d1: D1Database,
  id: string,
): Promise<{ scan: ScanToLocate; nearestGps: NearestGpsScan } | null> {
  const [scanRows, before, after] = await d1.batch([
    d1
      .prepare(
        `SELECT id, label_code, batch_id, source_key, scanned_at, location_source, reasons
           FROM scans WHERE id = ?`,
      )
      .bind(id),
    d1
      .prepare(
        `SELECT s.scanned_at AS at, s.lat, s.lng FROM scans s
           WHERE s.label_code = (SELECT label_code FROM scans WHERE id = ?1) AND s.id != ?1
             AND s.location_source = 'gps' AND s.lat IS NOT NULL
             AND s.scanned_at <= (SELECT scanned_at FROM scans WHERE id = ?1)
           ORDER BY s.scanned_at DESC LIMIT 1`,
      )
      .bind(id),
    d1
      .prepare(
        `SELECT s.scanned_at AS at, s.lat, s.lng FROM scans s
           WHERE s.label_code = (SELECT label_code FROM scans WHERE id = ?1) AND s.id != ?1
             AND s.location_source = 'gps' AND s.lat IS NOT NULL
             AND s.scanned_at > (SELECT scanned_at FROM scans WHERE id = ?1)
           ORDER BY s.scanned_at ASC LIMIT 1`,
      )
      .bind(id),
  ]);
  const row = scanRows?.results[0] as Record<string, unknown> | undefined;
  if (!row) return null;
  const nearest = (before?.results[0] ?? after?.results[0]) as
    | { at: string; lat: number; lng: number }
    | undefined;
  return {
    scan: {
      id: row.id as string,
      labelCode: (row.label_code as string | null) ?? null,
      batchId: (row.batch_id as string | null) ?? null,
      sourceKey: row.source_key as string,
      scannedAt: row.scanned_at as string,
      locationSource: row.location_source as ScanToLocate["locationSource"],
      reasons: JSON.parse((row.reasons as string) ?? "[]") as string[],
    },
    nearestGps: nearest ?? null,
  };
}

export type ScanLocationWrite = {
  scan: ScanToLocate;
  lat: number;
  lng: number;
  regionCode: string | null;
  verdict: string;
  reasons: string[];
  /** A copy rule fired now that did not before, on a label no copy rule had flagged yet. */
  firstFlag: boolean;
  alerts: Statement[];
};

/**
 * Stores the location on the scan, its new verdict, the label's location history and any new
 * alert, in one transaction; answers the label's counters, or null when the scan already had a
 * device location (another request located it first: nothing is changed).
 */
export async function storeScanLocation(d1: D1Database, write: ScanLocationWrite) {
  const { scan } = write;
  const located = `(SELECT location_source = 'gps' AND lat IS ?2 AND lng IS ?3 FROM scans WHERE id = ?1)`;
  const recount = recountLocatedScanStatements(scan.id, write.regionCode, write.verdict);
  const statements = [
    ...recount,
    statement(
      `UPDATE scans SET lat = ?2, lng = ?3, location_source = 'gps', region_code = ?4, verdict = ?5, reasons = ?6
         WHERE id = ?1 AND location_source != 'gps'`,
      scan.id,
      write.lat,
      write.lng,
      write.regionCode,
      write.verdict,
      JSON.stringify(write.reasons),
    ),
    // last_scan_* hold the latest device-located scan: the one the travel rule compares with.
    statement(
      `UPDATE labels SET
           last_scan_lat = CASE WHEN last_scan_at IS NULL OR last_scan_at <= ?4 THEN ?2 ELSE last_scan_lat END,
           last_scan_lng = CASE WHEN last_scan_at IS NULL OR last_scan_at <= ?4 THEN ?3 ELSE last_scan_lng END,
           last_scan_at = CASE WHEN last_scan_at IS NULL OR last_scan_at <= ?4 THEN ?4 ELSE last_scan_at END,
           first_scan_region = CASE WHEN first_scan_at = ?4 AND ?5 IS NOT NULL THEN ?5 ELSE first_scan_region END,
           scan_regions = CASE WHEN ?5 IS NULL OR json_array_length(scan_regions) >= ?6 OR EXISTS (SELECT 1 FROM json_each(labels.scan_regions) WHERE value = ?5)
             THEN scan_regions ELSE json_insert(scan_regions, '$[#]', ?5) END,
           flagged_by_scan = CASE WHEN ?7 THEN COALESCE(flagged_by_scan, ?1) ELSE flagged_by_scan END
         WHERE code = ?8 AND ${located}
         RETURNING scan_count, first_scan_at, first_scan_region`,
      scan.id,
      write.lat,
      write.lng,
      scan.scannedAt,
      write.regionCode,
      MAX_TRACKED_SCAN_REGIONS,
      write.firstFlag ? 1 : 0,
      scan.labelCode,
    ),
  ];
  if (write.firstFlag) {
    statements.push(
      statement(
        `UPDATE batches SET labels_flagged = labels_flagged + 1
           WHERE id = ?4 AND (SELECT flagged_by_scan FROM labels WHERE code = ?5) = ?1 AND ${located}`,
        scan.id,
        write.lat,
        write.lng,
        scan.batchId,
        scan.labelCode,
      ),
    );
  }
  const results = await d1.batch(prepareAll(d1, [...statements, ...write.alerts]));
  if ((results[recount.length]?.meta.changes ?? 0) === 0) return null;
  return results[recount.length + 1]?.results[0] as
    | { scan_count: number; first_scan_at: string; first_scan_region: string | null }
    | undefined;
}

// Reads and writes of a location added to a scan after its verdict (POST /v1/scans/{id}/location).
import { sql } from "drizzle-orm";
import { prepareAll, type Statement } from "../../lib/d1-group-batch";
import { MAX_TRACKED_SCAN_REGIONS } from "../../lib/risk";
import { batches, labels, scans } from "../schema";
import { bare, toStatement } from "../sql";
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
  const sc = scans;
  const l = labels;
  const { lat, lng, regionCode } = write;
  const at = scan.scannedAt;
  // Whether this request's location is the one stored (another request may have located it).
  const located = sql`(SELECT ${sc.locationSource} = 'gps' AND ${sc.lat} IS ${lat} AND ${sc.lng} IS ${lng} FROM ${sc} WHERE ${sc.id} = ${scan.id})`;
  const latest = sql`(${l.lastScanAt} IS NULL OR ${l.lastScanAt} <= ${at})`;
  const recount = recountLocatedScanStatements(scan.id, regionCode, write.verdict);
  const statements = [
    ...recount,
    toStatement(
      sql`UPDATE ${sc} SET ${bare(sc.lat)} = ${lat}, ${bare(sc.lng)} = ${lng}, ${bare(sc.locationSource)} = 'gps',
           ${bare(sc.regionCode)} = ${regionCode}, ${bare(sc.verdict)} = ${write.verdict}, ${bare(sc.reasons)} = ${JSON.stringify(write.reasons)}
         WHERE ${sc.id} = ${scan.id} AND ${sc.locationSource} != 'gps'`,
    ),
    // last_scan_* hold the latest device-located scan: the one the travel rule compares with.
    toStatement(
      sql`UPDATE ${l} SET
           ${bare(l.lastScanLat)} = CASE WHEN ${latest} THEN ${lat} ELSE ${l.lastScanLat} END,
           ${bare(l.lastScanLng)} = CASE WHEN ${latest} THEN ${lng} ELSE ${l.lastScanLng} END,
           ${bare(l.lastScanAt)} = CASE WHEN ${latest} THEN ${at} ELSE ${l.lastScanAt} END,
           ${bare(l.firstScanRegion)} = CASE WHEN ${l.firstScanAt} = ${at} AND ${regionCode} IS NOT NULL THEN ${regionCode} ELSE ${l.firstScanRegion} END,
           ${bare(l.scanRegions)} = CASE WHEN ${regionCode} IS NULL OR json_array_length(${l.scanRegions}) >= ${MAX_TRACKED_SCAN_REGIONS} OR EXISTS (SELECT 1 FROM json_each(${l.scanRegions}) WHERE value = ${regionCode})
             THEN ${l.scanRegions} ELSE json_insert(${l.scanRegions}, '$[#]', ${regionCode}) END,
           ${bare(l.flaggedByScan)} = CASE WHEN ${write.firstFlag ? 1 : 0} THEN COALESCE(${l.flaggedByScan}, ${scan.id}) ELSE ${l.flaggedByScan} END
         WHERE ${l.code} = ${scan.labelCode} AND ${located}
         RETURNING ${bare(l.scanCount)}, ${bare(l.firstScanAt)}, ${bare(l.firstScanRegion)}`,
    ),
  ];
  if (write.firstFlag) {
    statements.push(
      toStatement(
        sql`UPDATE ${batches} SET ${bare(batches.labelsFlagged)} = ${batches.labelsFlagged} + 1
           WHERE ${batches.id} = ${scan.batchId} AND (SELECT ${l.flaggedByScan} FROM ${l} WHERE ${l.code} = ${scan.labelCode}) = ${scan.id} AND ${located}`,
      ),
    );
  }
  const results = await d1.batch(prepareAll(d1, [...statements, ...write.alerts]));
  if ((results[recount.length]?.meta.changes ?? 0) === 0) return null;
  return results[recount.length + 1]?.results[0] as
    | { scan_count: number; first_scan_at: string; first_scan_region: string | null }
    | undefined;
}

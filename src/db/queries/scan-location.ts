// Reads and writes of a location added to a scan after its verdict (POST /v1/scans/{id}/location).
// A scan whose row is in a province's scan database is located in two steps, since no
// transaction spans two databases: the registry's part (counters, label, alerts) claimed on the
// scan's ledger entry, which records the location, then the row. A request that finds a claimed
// ledger entry whose row was never written writes it from the ledger.
import { eq, type SQL, sql } from "drizzle-orm";
import { prepareAll, type Statement } from "../../lib/d1-group-batch";
import { MAX_TRACKED_SCAN_REGIONS } from "../../lib/risk";
import { REGISTRY_DATABASE } from "../../lib/scan-database-routes";
import { getDb } from "../client";
import type { ScanDatabases } from "../scan-databases";
import { batches, labels, type ScanLedgerLocation, scanLedger, scans } from "../schema";
import { bare, toStatement } from "../sql";
import { recountLocatedScanStatements, recountRoutedLocatedScanStatements } from "./scan-counters";

export type ScanToLocate = {
  id: string;
  labelCode: string | null;
  batchId: string | null;
  organizationId: string | null;
  regionCode: string | null;
  verdict: string;
  /** The source the distinct-client rules count (see sourceKeyOf). */
  sourceKey: string;
  scannedAt: string;
  locationSource: "gps" | "ip" | "none";
  reasons: string[];
};

export type NearestGpsScan = { at: string; lat: number; lng: number } | null;

export type FoundScan = {
  scan: ScanToLocate;
  nearestGps: NearestGpsScan;
  /** The scan database that holds the row (REGISTRY_DATABASE or a province's binding). */
  database: string;
};

/**
 * The scan and the device-located scan of its label nearest before it (else after it), in the
 * database that holds the scan's row. The nearest one is looked for in that database only: a
 * label's scans from before its province's database was added stay in the registry.
 */
export async function readScanToLocate(
  databases: ScanDatabases,
  id: string,
): Promise<FoundScan | null> {
  // The registry's row and, with split databases, the ledger entry, read side by side.
  const [here, ledger] = await Promise.all([
    readScanIn(databases.registry, id),
    databases.split
      ? getDb(databases.registry)
          .select({ database: scanLedger.database, location: scanLedger.location })
          .from(scanLedger)
          .where(eq(scanLedger.scanId, id))
          .get()
      : undefined,
  ]);
  if (here) return { ...here, database: REGISTRY_DATABASE };
  if (!ledger) return null;
  const province = databases.byKey(ledger.database);
  const found = await readScanIn(province, id);
  if (!found) return null;
  if (ledger.location && found.scan.locationSource !== "gps") {
    // A request located it in the registry and stopped before the row: finish its write.
    await province.batch(prepareAll(province, [rowUpdate(id, ledger.location)]));
    found.scan.locationSource = "gps";
  }
  return { ...found, database: ledger.database };
}

async function readScanIn(d1: D1Database, id: string) {
  const [scanRows, before, after] = await d1.batch([
    d1
      .prepare(
        `SELECT id, label_code, batch_id, organization_id, region_code, verdict, source_key,
                scanned_at, location_source, reasons
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
      organizationId: (row.organization_id as string | null) ?? null,
      regionCode: (row.region_code as string | null) ?? null,
      verdict: row.verdict as string,
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

/** The location on the scan row, unless it has a device location already. */
function rowUpdate(id: string, location: ScanLedgerLocation) {
  const sc = scans;
  return toStatement(
    sql`UPDATE ${sc} SET ${bare(sc.lat)} = ${location.lat}, ${bare(sc.lng)} = ${location.lng}, ${bare(sc.locationSource)} = 'gps',
         ${bare(sc.regionCode)} = ${location.regionCode}, ${bare(sc.verdict)} = ${location.verdict}, ${bare(sc.reasons)} = ${JSON.stringify(location.reasons)}
       WHERE ${sc.id} = ${id} AND ${sc.locationSource} != 'gps'`,
  );
}

/**
 * The registry's statements of a location: the label's location history, the first copy flag
 * of its batch, and the alerts, each only when `located` (this request's location is the one
 * stored), after `first` (what claims the scan and moves its counters).
 */
function registryStatements(write: ScanLocationWrite, first: Statement[], located: SQL) {
  const { scan, lat, lng, regionCode } = write;
  const l = labels;
  const at = scan.scannedAt;
  const latest = sql`(${l.lastScanAt} IS NULL OR ${l.lastScanAt} <= ${at})`;
  const statements = [
    ...first,
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
  return [...statements, ...write.alerts];
}

export type LabelCountersAfterLocation = {
  scan_count: number;
  first_scan_at: string;
  first_scan_region: string | null;
};

/**
 * Stores the location on the scan, its new verdict, the label's location history and any new
 * alert; answers the label's counters, or null when the scan already had a device location
 * (another request located it first: nothing is changed).
 */
export async function storeScanLocation(
  databases: ScanDatabases,
  database: string,
  write: ScanLocationWrite,
): Promise<LabelCountersAfterLocation | undefined | null> {
  const { scan, lat, lng, regionCode } = write;
  const location: ScanLedgerLocation = {
    lat,
    lng,
    regionCode,
    verdict: write.verdict as ScanLedgerLocation["verdict"],
    reasons: write.reasons,
  };
  const d1 = databases.registry;
  if (database === REGISTRY_DATABASE) {
    const sc = scans;
    // Whether this request's location is the one stored (another request may have located it).
    const located = sql`(SELECT ${sc.locationSource} = 'gps' AND ${sc.lat} IS ${lat} AND ${sc.lng} IS ${lng} FROM ${sc} WHERE ${sc.id} = ${scan.id})`;
    const recount = recountLocatedScanStatements(scan.id, regionCode, write.verdict);
    const statements = registryStatements(
      write,
      [...recount, rowUpdate(scan.id, location)],
      located,
    );
    const results = await d1.batch(prepareAll(d1, statements));
    if ((results[recount.length]?.meta.changes ?? 0) === 0) return null;
    return results[recount.length + 1]?.results[0] as LabelCountersAfterLocation | undefined;
  }
  const claim = crypto.randomUUID();
  const claimed = sql`((SELECT ${scanLedger.locatedBy} FROM ${scanLedger} WHERE ${scanLedger.scanId} = ${scan.id}) = ${claim})`;
  const first = [
    toStatement(
      sql`UPDATE ${scanLedger} SET ${bare(scanLedger.locatedBy)} = ${claim}, ${bare(scanLedger.location)} = ${JSON.stringify(location)}
         WHERE ${scanLedger.scanId} = ${scan.id} AND ${scanLedger.locatedBy} IS NULL`,
    ),
    ...recountRoutedLocatedScanStatements(
      {
        id: scan.id,
        at: scan.scannedAt,
        organizationId: scan.organizationId,
        batchId: scan.batchId,
        regionCode: scan.regionCode,
        verdict: scan.verdict,
      },
      claim,
      regionCode,
      write.verdict,
    ),
  ];
  const results = await d1.batch(prepareAll(d1, registryStatements(write, first, claimed)));
  if ((results[0]?.meta.changes ?? 0) === 0) return null;
  const province = databases.byKey(database);
  await province.batch(prepareAll(province, [rowUpdate(scan.id, location)]));
  return results[first.length]?.results[0] as LabelCountersAfterLocation | undefined;
}

// The scan path's storage, in one module so that it can move to Queues (write-behind) or a
// Durable Object (exact per-label counters) without touching the handler. A scan of a real
// label costs two D1 round trips: one batched read of everything the rules need, one batched
// write of the scan, the label's counters and any alert. A forged code never reaches the labels
// table: one read of recent invalid scans (the burst rule) and one write.

import { groupBatch, type Statement, statement } from "../../lib/d1-group-batch";
import type {
  authorizations,
  batches,
  giProducts,
  labels,
  organizations,
  scans,
  traceEvents,
} from "../schema";
import { countScanStatements } from "./scan-counters";

type WaitUntil = (promise: Promise<unknown>) => void;

import { underOrganization } from "../../lib/authorization-status";
import {
  type LabelContext,
  MAX_TRACKED_CLIENT_KEYS,
  MAX_TRACKED_SCAN_REGIONS,
} from "../../lib/risk";

export type ScanRecord = {
  id: string;
  at: string;
  labelCode: string | null;
  batchId: string | null;
  organizationId: string | null;
  rawInput: string | null;
  clientKey: string;
  /** See sourceKeyOf: rate limits, probe counting and distinct clients key on it. */
  sourceKey: string;
  userId: string | null;
  lat: number | null;
  lng: number | null;
  locationSource: "gps" | "ip" | "none";
  regionCode: string | null;
  userAgentClass: string;
  verdict: (typeof scans.$inferInsert)["verdict"];
  reasons: string[];
  requestId: string | null;
};

type LabelRow = typeof labels.$inferSelect;
type BatchRow = typeof batches.$inferSelect;
type AuthorizationRow = typeof authorizations.$inferSelect;
type ProductRow = typeof giProducts.$inferSelect;
type OrganizationRow = typeof organizations.$inferSelect;
type TraceEventRow = typeof traceEvents.$inferSelect;

// Columns of the joined read, aliased per table: drizzle's D1 batch maps joined rows by column
// name and loses the ones that collide (id, status, ...), so this read is written by hand.
const CONTEXT_SQL = `SELECT
  l.code AS l_code, l.batch_id AS l_batch_id, l.status AS l_status, l.scan_count AS l_scan_count,
  l.first_scan_at AS l_first_scan_at, l.first_scan_region AS l_first_scan_region,
  l.last_scan_at AS l_last_scan_at, l.last_scan_lat AS l_last_scan_lat, l.last_scan_lng AS l_last_scan_lng,
  l.client_keys AS l_client_keys, l.scan_regions AS l_scan_regions, l.flagged_by_scan AS l_flagged_by_scan,
  b.id AS b_id, b.lot_code AS b_lot_code, b.gtin AS b_gtin, b.quantity AS b_quantity, b.unit AS b_unit,
  b.produced_at AS b_produced_at, b.status AS b_status, b.labels_scanned AS b_labels_scanned,
  b.labels_flagged AS b_labels_flagged,
  a.id AS a_id, a.number AS a_number, a.status AS a_status, a.valid_from AS a_valid_from, a.valid_until AS a_valid_until,
  p.id AS p_id, p.name_zh AS p_name_zh, p.name_en AS p_name_en, p.category AS p_category,
  p.protection_type AS p_protection_type, p.registration_no AS p_registration_no, p.holder_name AS p_holder_name,
  p.protected_region_codes AS p_protected_region_codes, p.quality_standard AS p_quality_standard,
  p.shelf_life_days AS p_shelf_life_days, p.eu_china_agreement AS p_eu_china_agreement, p.status AS p_status,
  o.id AS o_id, o.name AS o_name, o.uscc AS o_uscc, o.kind AS o_kind, o.region_code AS o_region_code, o.status AS o_status
FROM labels l
JOIN batches b ON b.id = l.batch_id
JOIN authorizations a ON a.id = b.authorization_id
JOIN gi_products p ON p.id = a.gi_product_id
JOIN organizations o ON o.id = b.organization_id
WHERE l.code = ?`;

const TRACE_SQL = `SELECT type, biz_step, occurred_at, place_name, lat, lng, data FROM trace_events
WHERE batch_id = (SELECT batch_id FROM labels WHERE code = ?) ORDER BY occurred_at LIMIT 50`;

type Raw = Record<string, unknown>;
const text = (row: Raw, key: string) => row[key] as string;
const maybe = <T>(row: Raw, key: string) => (row[key] ?? null) as T | null;
const json = <T>(value: unknown, fallback: T): T => {
  if (typeof value !== "string") return fallback;
  try {
    return JSON.parse(value) as T;
  } catch {
    return fallback;
  }
};

/** Everything a scan of `code` needs, in one round trip; null when no such label exists. */
export async function readLabelContext(d1: D1Database, code: string, waitUntil?: WaitUntil) {
  const [context, trace] = (await groupBatch(
    d1,
    [statement(CONTEXT_SQL, code), statement(TRACE_SQL, code)],
    waitUntil,
  )) as D1Result<Raw>[];
  const r = context?.results[0];
  if (!r) return null;
  const label = {
    code: text(r, "l_code"),
    batchId: text(r, "l_batch_id"),
    status: text(r, "l_status") as LabelRow["status"],
    scanCount: Number(r.l_scan_count),
    firstScanAt: maybe<string>(r, "l_first_scan_at"),
    firstScanRegion: maybe<string>(r, "l_first_scan_region"),
    lastScanAt: maybe<string>(r, "l_last_scan_at"),
    lastScanLat: maybe<number>(r, "l_last_scan_lat"),
    lastScanLng: maybe<number>(r, "l_last_scan_lng"),
    clientKeys: json<string[]>(r.l_client_keys, []),
    scanRegions: json<string[]>(r.l_scan_regions, []),
    flaggedByScan: maybe<string>(r, "l_flagged_by_scan"),
  } satisfies Partial<LabelRow>;
  const batch = {
    id: text(r, "b_id"),
    lotCode: text(r, "b_lot_code"),
    gtin: maybe<string>(r, "b_gtin"),
    quantity: Number(r.b_quantity),
    unit: text(r, "b_unit"),
    producedAt: text(r, "b_produced_at"),
    status: text(r, "b_status") as BatchRow["status"],
    labelsScanned: Number(r.b_labels_scanned),
    labelsFlagged: Number(r.b_labels_flagged),
  } satisfies Partial<BatchRow>;
  const authorization = {
    id: text(r, "a_id"),
    number: text(r, "a_number"),
    status: text(r, "a_status") as AuthorizationRow["status"],
    validFrom: text(r, "a_valid_from"),
    validUntil: text(r, "a_valid_until"),
  } satisfies Partial<AuthorizationRow>;
  const product = {
    id: text(r, "p_id"),
    nameZh: text(r, "p_name_zh"),
    nameEn: maybe<string>(r, "p_name_en"),
    category: text(r, "p_category") as ProductRow["category"],
    protectionType: text(r, "p_protection_type") as ProductRow["protectionType"],
    registrationNo: text(r, "p_registration_no"),
    holderName: text(r, "p_holder_name"),
    protectedRegionCodes: json<string[]>(r.p_protected_region_codes, []),
    qualityStandard: maybe<string>(r, "p_quality_standard"),
    shelfLifeDays: maybe<number>(r, "p_shelf_life_days"),
    euChinaAgreement: Boolean(r.p_eu_china_agreement),
    status: text(r, "p_status") as ProductRow["status"],
  } satisfies Partial<ProductRow>;
  const organization = {
    id: text(r, "o_id"),
    name: text(r, "o_name"),
    uscc: text(r, "o_uscc"),
    kind: text(r, "o_kind") as OrganizationRow["kind"],
    regionCode: text(r, "o_region_code"),
    status: text(r, "o_status") as OrganizationRow["status"],
  } satisfies Partial<OrganizationRow>;
  const events = (trace?.results ?? []).map((e) => ({
    type: text(e, "type") as TraceEventRow["type"],
    bizStep: maybe<string>(e, "biz_step"),
    occurredAt: text(e, "occurred_at"),
    placeName: maybe<string>(e, "place_name"),
    lat: maybe<number>(e, "lat"),
    lng: maybe<number>(e, "lng"),
    data: json<Record<string, unknown> | null>(e.data, null),
  }));
  return { label, batch, authorization, product, organization, trace: events };
}

export type LabelContextRow = NonNullable<Awaited<ReturnType<typeof readLabelContext>>>;

/** What the risk rules see of a label read by readLabelContext. */
export function labelContextOf(row: LabelContextRow): LabelContext {
  const { label, batch, authorization, product, organization } = row;
  return {
    labelStatus: label.status,
    batchStatus: batch.status,
    authorization: {
      status: underOrganization(authorization.status, organization.status),
      validFrom: authorization.validFrom,
      validUntil: authorization.validUntil,
    },
    giProductStatus: product.status,
    producedAt: batch.producedAt,
    shelfLifeDays: product.shelfLifeDays,
    scanCount: label.scanCount,
    clientKeys: label.clientKeys,
    scanRegions: label.scanRegions,
    lastScan: label.lastScanAt
      ? { at: label.lastScanAt, lat: label.lastScanLat, lng: label.lastScanLng }
      : null,
  };
}

function insertScanStatement(scan: ScanRecord): Statement {
  return statement(
    `INSERT INTO scans (id, label_code, batch_id, organization_id, raw_input, client_key, source_key, user_id, lat, lng, location_source, region_code, user_agent_class, verdict, reasons, request_id, scanned_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    scan.id,
    scan.labelCode,
    scan.batchId,
    scan.organizationId,
    scan.rawInput,
    scan.clientKey,
    scan.sourceKey,
    scan.userId,
    scan.lat,
    scan.lng,
    scan.locationSource,
    scan.regionCode,
    scan.userAgentClass,
    scan.verdict,
    JSON.stringify(scan.reasons),
    scan.requestId,
    scan.at,
  );
}

/** Stores the scan of an unknown or forged code, with any forgery-probe alerts, in one round trip. */
export async function storeInvalidScan(
  d1: D1Database,
  scan: ScanRecord,
  alerts: Statement[],
  waitUntil?: WaitUntil,
): Promise<void> {
  await groupBatch(
    d1,
    [insertScanStatement(scan), ...countScanStatements(scan), ...alerts],
    waitUntil,
  );
}

/**
 * Counts of invalid scans within the window from this source and from this region, each
 * counted up to `cap` only: the rule needs to know whether a threshold is reached, and a probe
 * of thousands of codes must not make every further scan count thousands of rows.
 */
export async function recentInvalidScans(
  d1: D1Database,
  sourceKey: string,
  regionCode: string | null,
  since: string,
  cap: number,
  waitUntil?: WaitUntil,
) {
  const count = (column: "source_key" | "region_code", index: string) =>
    `SELECT count(*) AS n FROM (SELECT 1 FROM scans INDEXED BY ${index}
       WHERE ${column} = ?1 AND scanned_at >= ?2 AND verdict = 'invalid' LIMIT ?3)`;
  const [byClient, byRegion] = (await groupBatch(
    d1,
    [
      statement(count("source_key", "scans_invalid_source_time_idx"), sourceKey, since, cap),
      statement(count("region_code", "scans_invalid_region_time_idx"), regionCode, since, cap),
    ],
    waitUntil,
  )) as D1Result<{ n: number }>[];
  return { client: byClient?.results[0]?.n ?? 0, region: byRegion?.results[0]?.n ?? 0 };
}

export type LabelScanWrite = {
  scan: ScanRecord;
  /** Whether a copy rule (many_clients, impossible_travel, wide_spread) fired on this scan. */
  copyFlagged: boolean;
  /** Whether the batch counters may change (first scan of the label, or a copy flag). */
  touchBatch: boolean;
  alerts: Statement[];
};

/**
 * Stores a scan of a real label in one round trip and answers the label's counters after it.
 * Counters and distinct lists are updated in SQL, not from the values read before, so that
 * concurrent scans of one label are all counted.
 */
export async function storeLabelScan(d1: D1Database, write: LabelScanWrite, waitUntil?: WaitUntil) {
  const { scan } = write;
  const code = scan.labelCode as string;
  // Only device GPS feeds the location rules: IP geolocation of mobile networks in China often
  // points at the carrier's gateway city, which would make genuine scans look like travel.
  const gps = scan.locationSource === "gps" && scan.lat !== null && scan.lng !== null;
  const updateLabel = statement(
    `UPDATE labels SET
         scan_count = scan_count + 1,
         first_scan_at = COALESCE(first_scan_at, ?1),
         first_scan_region = CASE WHEN first_scan_at IS NULL THEN ?2 ELSE first_scan_region END,
         last_scan_at = CASE WHEN ?3 THEN ?1 ELSE last_scan_at END,
         last_scan_lat = CASE WHEN ?3 THEN ?4 ELSE last_scan_lat END,
         last_scan_lng = CASE WHEN ?3 THEN ?5 ELSE last_scan_lng END,
         client_keys = CASE WHEN ?6 = '' OR json_array_length(client_keys) >= ?7 OR EXISTS (SELECT 1 FROM json_each(labels.client_keys) WHERE value = ?6)
           THEN client_keys ELSE json_insert(client_keys, '$[#]', ?6) END,
         scan_regions = CASE WHEN NOT ?3 OR ?2 IS NULL OR json_array_length(scan_regions) >= ?8 OR EXISTS (SELECT 1 FROM json_each(labels.scan_regions) WHERE value = ?2)
           THEN scan_regions ELSE json_insert(scan_regions, '$[#]', ?2) END,
         flagged_by_scan = CASE WHEN ?9 THEN COALESCE(flagged_by_scan, ?10) ELSE flagged_by_scan END
       WHERE code = ?11
       RETURNING scan_count, first_scan_at, first_scan_region`,
    scan.at,
    scan.regionCode,
    gps ? 1 : 0,
    scan.lat,
    scan.lng,
    // Distinct clients are distinct sources: client ids are the caller's to invent.
    scan.sourceKey,
    MAX_TRACKED_CLIENT_KEYS,
    MAX_TRACKED_SCAN_REGIONS,
    write.copyFlagged ? 1 : 0,
    scan.id,
    code,
  );
  const statements = [insertScanStatement(scan), updateLabel, ...countScanStatements(scan)];
  if (write.touchBatch) {
    statements.push(
      statement(
        `UPDATE batches SET
             labels_scanned = labels_scanned + (CASE WHEN (SELECT scan_count FROM labels WHERE code = ?1) = 1 THEN 1 ELSE 0 END),
             labels_flagged = labels_flagged + (CASE WHEN (SELECT flagged_by_scan FROM labels WHERE code = ?1) = ?2 THEN 1 ELSE 0 END)
           WHERE id = ?3`,
        code,
        scan.id,
        scan.batchId,
      ),
    );
  }
  const results = await groupBatch(d1, [...statements, ...write.alerts], waitUntil);
  const counters = results[1]?.results[0] as
    | { scan_count: number; first_scan_at: string; first_scan_region: string | null }
    | undefined;
  return counters ?? { scan_count: 1, first_scan_at: scan.at, first_scan_region: scan.regionCode };
}

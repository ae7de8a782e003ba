// The scan path's storage. A scan of a real label costs two D1 round trips: one batched read of
// everything the rules need, one batched write of the scan, the label's counters and any alert
// (in queue mode the write is the queue consumer's: src/db/queries/scan-ingest.ts). A forged
// code never reaches the labels table: one read of recent invalid scans (the burst rule) and
// one write, both the consumer's in queue mode.

import { type SQL, sql } from "drizzle-orm";
import { groupBatch, type Statement, statement } from "../../lib/d1-group-batch";
import {
  type authorizations,
  batches,
  type giProducts,
  labels,
  type organizations,
  scanLedger,
  scans,
  type traceEvents,
} from "../schema";
import { bare, statementTemplate } from "../sql";
import { type AlertRaise, alertUpsertStatements } from "./alert-store";
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

const p = (name: string) => sql.placeholder(name);

const SCAN_COLUMNS = [
  "id",
  "labelCode",
  "batchId",
  "organizationId",
  "rawInput",
  "clientKey",
  "sourceKey",
  "userId",
  "lat",
  "lng",
  "locationSource",
  "regionCode",
  "userAgentClass",
  "verdict",
  "reasons",
  "requestId",
  "scannedAt",
] as const satisfies readonly (keyof typeof scans.$inferInsert)[];

const insertInto = (verb: SQL) =>
  statementTemplate<Record<(typeof SCAN_COLUMNS)[number], unknown>>(
    sql`${verb} ${scans} (${sql.join(
      SCAN_COLUMNS.map((key) => bare(scans[key])),
      sql`, `,
    )}) VALUES (${sql.join(
      SCAN_COLUMNS.map((key) => p(key)),
      sql`, `,
    )})`,
  );
const insertScan = insertInto(sql`INSERT INTO`);
const insertScanIfAbsent = insertInto(sql`INSERT OR IGNORE INTO`);
const scanValues = (scan: ScanRecord) => ({
  ...scan,
  reasons: JSON.stringify(scan.reasons),
  scannedAt: scan.at,
});

function insertScanStatement(scan: ScanRecord): Statement {
  return insertScan(scanValues(scan));
}

/** The scan's row in a province's scan database: written after the registry's part, maybe twice. */
export function insertScanIfAbsentStatement(scan: ScanRecord): Statement {
  return insertScanIfAbsent(scanValues(scan));
}

const insertLedger = statementTemplate<{ id: string; database: string; at: string }>(
  sql`INSERT INTO ${scanLedger} (${bare(scanLedger.scanId)}, ${bare(scanLedger.database)}, ${bare(scanLedger.scannedAt)})
      VALUES (${p("id")}, ${p("database")}, ${p("at")})`,
);

/**
 * What stands for the scan row in the registry's transaction when the row goes to a province's
 * database: its ledger entry, which fails on its primary key on a second delivery, as the row would.
 */
export function scanLedgerStatement(scan: ScanRecord, database: string): Statement {
  return insertLedger({ id: scan.id, database, at: scan.at });
}

/** What storing the scan of an unknown or forged code writes, with any forgery-probe alerts. */
export function invalidScanStatements(
  scan: ScanRecord,
  alerts: AlertRaise[],
  cooldownStart: string,
): Statement[] {
  return [
    insertScanStatement(scan),
    ...countScanStatements(scan),
    ...alerts.flatMap((raise) => alertUpsertStatements(raise, scan.at, cooldownStart)),
  ];
}

/** Stores the scan of an unknown or forged code in one round trip. */
export async function storeInvalidScan(
  d1: D1Database,
  scan: ScanRecord,
  alerts: AlertRaise[],
  cooldownStart: string,
  waitUntil?: WaitUntil,
): Promise<void> {
  await groupBatch(d1, invalidScanStatements(scan, alerts, cooldownStart), waitUntil);
}

/**
 * The count of invalid scans since `since` from one source (`source_key`) or in one region
 * (`region_code`), counted up to `cap` only: the rule needs to know whether a threshold is
 * reached, and a probe of thousands of codes must not make every further scan count thousands
 * of rows.
 */
const invalidCount = (column: typeof scans.sourceKey | typeof scans.regionCode, index: string) =>
  statementTemplate<{ key: string | null; since: string; cap: number }>(
    sql`SELECT count(*) AS n FROM (SELECT 1 FROM ${scans} INDEXED BY ${sql.identifier(index)}
       WHERE ${column} = ${p("key")} AND ${scans.scannedAt} >= ${p("since")} AND ${scans.verdict} = 'invalid' LIMIT ${p("cap")})`,
  );
const invalidCountOf = {
  client: invalidCount(scans.sourceKey, "scans_invalid_source_time_idx"),
  region: invalidCount(scans.regionCode, "scans_invalid_region_time_idx"),
};

export function invalidScanCountStatement(
  subject: "client" | "region",
  key: string | null,
  since: string,
  cap: number,
): Statement {
  return invalidCountOf[subject]({ key, since, cap });
}

/** Counts of invalid scans within the window from this source and from this region. */
export async function recentInvalidScans(
  d1: D1Database,
  sourceKey: string,
  regionCode: string | null,
  since: string,
  cap: number,
  waitUntil?: WaitUntil,
) {
  const [byClient, byRegion] = (await groupBatch(
    d1,
    [
      invalidScanCountStatement("client", sourceKey, since, cap),
      invalidScanCountStatement("region", regionCode, since, cap),
    ],
    waitUntil,
  )) as D1Result<{ n: number }>[];
  return { client: byClient?.results[0]?.n ?? 0, region: byRegion?.results[0]?.n ?? 0 };
}

/**
 * A scan of a real label as plain data (it travels as a queue message in queue mode): the scan
 * with its verdict, what it changes on the label and batch, and the alerts it raises.
 */
export type LabelScanWrite = {
  scan: ScanRecord;
  /** Whether a copy rule (many_clients, impossible_travel, wide_spread) fired on this scan. */
  copyFlagged: boolean;
  /** Whether the batch counters may change (first scan of the label, or a copy flag). */
  touchBatch: boolean;
  alerts: AlertRaise[];
  /** From when an open alert absorbs these hits (cooldownStart). */
  cooldownStart: string;
  /** The producer's region code: which scan database holds the row (SCAN_DATABASES). */
  producerRegionCode?: string | null;
};

export type LabelCounters = {
  scan_count: number;
  first_scan_at: string;
  first_scan_region: string | null;
};

const l = labels;
const earlier = sql`(${l.firstScanAt} IS NULL OR ${p("at")} < ${l.firstScanAt})`;
const later = sql`(${p("located")} AND (${l.lastScanAt} IS NULL OR ${p("at")} >= ${l.lastScanAt}))`;
const updateLabel = statementTemplate(
  sql`UPDATE ${l} SET
       ${bare(l.scanCount)} = ${l.scanCount} + 1,
       ${bare(l.firstScanRegion)} = CASE WHEN ${earlier} THEN ${p("region")} ELSE ${l.firstScanRegion} END,
       ${bare(l.firstScanAt)} = CASE WHEN ${earlier} THEN ${p("at")} ELSE ${l.firstScanAt} END,
       ${bare(l.lastScanLat)} = CASE WHEN ${later} THEN ${p("lat")} ELSE ${l.lastScanLat} END,
       ${bare(l.lastScanLng)} = CASE WHEN ${later} THEN ${p("lng")} ELSE ${l.lastScanLng} END,
       ${bare(l.lastScanAt)} = CASE WHEN ${later} THEN ${p("at")} ELSE ${l.lastScanAt} END,
       ${bare(l.clientKeys)} = CASE WHEN ${p("source")} = '' OR json_array_length(${l.clientKeys}) >= ${p("maxClients")} OR EXISTS (SELECT 1 FROM json_each(${l.clientKeys}) WHERE value = ${p("source")})
         THEN ${l.clientKeys} ELSE json_insert(${l.clientKeys}, '$[#]', ${p("source")}) END,
       ${bare(l.scanRegions)} = CASE WHEN NOT ${p("located")} OR ${p("region")} IS NULL OR json_array_length(${l.scanRegions}) >= ${p("maxRegions")} OR EXISTS (SELECT 1 FROM json_each(${l.scanRegions}) WHERE value = ${p("region")})
         THEN ${l.scanRegions} ELSE json_insert(${l.scanRegions}, '$[#]', ${p("region")}) END,
       ${bare(l.flaggedByScan)} = CASE WHEN ${p("copyFlagged")} THEN COALESCE(${l.flaggedByScan}, ${p("scanId")}) ELSE ${l.flaggedByScan} END
     WHERE ${l.code} = ${p("code")}
     RETURNING ${bare(l.scanCount)}, ${bare(l.firstScanAt)}, ${bare(l.firstScanRegion)}`,
);
const touchBatch = statementTemplate(
  sql`UPDATE ${batches} SET
       ${bare(batches.labelsScanned)} = ${batches.labelsScanned} + (CASE WHEN (SELECT ${l.scanCount} FROM ${l} WHERE ${l.code} = ${p("code")}) = 1 THEN 1 ELSE 0 END),
       ${bare(batches.labelsFlagged)} = ${batches.labelsFlagged} + (CASE WHEN (SELECT ${l.flaggedByScan} FROM ${l} WHERE ${l.code} = ${p("code")}) = ${p("scanId")} THEN 1 ELSE 0 END)
     WHERE ${batches.id} = ${p("batchId")}`,
);

/**
 * What storing a scan of a real label writes, the scan's own row first (a second delivery of
 * the same scan then fails the whole transaction on its primary key). Counters and distinct
 * lists are updated in SQL, not from the values read before, so that concurrent scans of one
 * label are all counted, and the first and last scan are taken by time, not by arrival, so that
 * queued scans written out of order leave the same label.
 */
export function labelScanStatements(
  write: LabelScanWrite,
  scanRow: Statement = insertScanStatement(write.scan),
): Statement[] {
  const { scan } = write;
  const code = scan.labelCode as string;
  // Only device GPS feeds the location rules: IP geolocation of mobile networks in China often
  // points at the carrier's gateway city, which would make genuine scans look like travel.
  const gps = scan.locationSource === "gps" && scan.lat !== null && scan.lng !== null;
  const statements = [
    scanRow,
    updateLabel({
      at: scan.at,
      region: scan.regionCode,
      located: gps ? 1 : 0,
      lat: scan.lat,
      lng: scan.lng,
      // Distinct clients are distinct sources: client ids are the caller's to invent.
      source: scan.sourceKey,
      maxClients: MAX_TRACKED_CLIENT_KEYS,
      maxRegions: MAX_TRACKED_SCAN_REGIONS,
      copyFlagged: write.copyFlagged ? 1 : 0,
      scanId: scan.id,
      code,
    }),
    ...countScanStatements(scan),
  ];
  if (write.touchBatch)
    statements.push(touchBatch({ code, scanId: scan.id, batchId: scan.batchId }));
  return [
    ...statements,
    ...write.alerts.flatMap((raise) => alertUpsertStatements(raise, scan.at, write.cooldownStart)),
  ];
}

/** Stores a scan of a real label in one round trip and answers the label's counters after it. */
export async function storeLabelScan(
  d1: D1Database,
  write: LabelScanWrite,
  waitUntil?: WaitUntil,
): Promise<LabelCounters> {
  const results = await groupBatch(d1, labelScanStatements(write), waitUntil);
  const counters = results[1]?.results[0] as LabelCounters | undefined;
  return counters ?? countersAfter(write.scan, null);
}

/**
 * The label's counters after `scan` as they follow from the label read before it: what a queued
 * scan answers, before its write lands (concurrent scans of the label may not be in it yet).
 */
export function countersAfter(
  scan: ScanRecord,
  label: Pick<LabelContextRow["label"], "scanCount" | "firstScanAt" | "firstScanRegion"> | null,
): LabelCounters {
  if (!label?.firstScanAt || scan.at < label.firstScanAt) {
    return {
      scan_count: (label?.scanCount ?? 0) + 1,
      first_scan_at: scan.at,
      first_scan_region: scan.regionCode,
    };
  }
  return {
    scan_count: label.scanCount + 1,
    first_scan_at: label.firstScanAt,
    first_scan_region: label.firstScanRegion,
  };
}

import { sql } from "drizzle-orm";
import {
  check,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

// Timestamps are ISO-8601 UTC strings with milliseconds and `Z` (what the API returns), so
// that they sort and compare as text. Dates without time (validity) are `YYYY-MM-DD`.
const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;
const createdAt = () => text("created_at").notNull().default(now);
const updatedAt = () => text("updated_at").notNull().default(now);

export const giCategories = [
  "seafood",
  "aquatic",
  "produce",
  "fruit",
  "grain",
  "tea",
  "livestock",
  "processed_food",
  "beverage",
  "herbal",
  "handicraft",
  "other",
] as const;
export const protectionTypes = [
  "gi_product",
  "certification_mark",
  "collective_mark",
  "agri_product_gi",
] as const;
export const giProductStatuses = ["active", "suspended", "revoked"] as const;

export const giProducts = sqliteTable(
  "gi_products",
  {
    id: text("id").primaryKey(),
    nameZh: text("name_zh").notNull(),
    nameEn: text("name_en"),
    category: text("category", { enum: giCategories }).notNull(),
    protectionType: text("protection_type", { enum: protectionTypes }).notNull(),
    registrationNo: text("registration_no").notNull(),
    holderName: text("holder_name").notNull(),
    /** JSON array of GB/T 2260 codes. */
    protectedRegionCodes: text("protected_region_codes", { mode: "json" })
      .$type<string[]>()
      .notNull(),
    /** GeoJSON Polygon or MultiPolygon (RFC 7946), or null when no area is defined. */
    protectedArea: text("protected_area", { mode: "json" }).$type<unknown>(),
    qualityStandard: text("quality_standard"),
    shelfLifeDays: integer("shelf_life_days"),
    euChinaAgreement: integer("eu_china_agreement", { mode: "boolean" }).notNull().default(false),
    status: text("status", { enum: giProductStatuses }).notNull().default("active"),
    statusReason: text("status_reason"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("gi_products_registration_uq").on(t.protectionType, t.registrationNo),
    index("gi_products_category_idx").on(t.category),
  ],
);

export const organizationKinds = [
  "cooperative",
  "enterprise",
  "individual_household",
  "association",
] as const;
export const organizationStatuses = ["active", "suspended"] as const;

export const organizations = sqliteTable(
  "organizations",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    uscc: text("uscc").notNull(),
    kind: text("kind", { enum: organizationKinds }).notNull(),
    regionCode: text("region_code").notNull(),
    address: text("address"),
    contactName: text("contact_name"),
    contactPhone: text("contact_phone"),
    contactEmail: text("contact_email"),
    status: text("status", { enum: organizationStatuses }).notNull().default("active"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("organizations_uscc_uq").on(t.uscc),
    index("organizations_region_idx").on(t.regionCode),
  ],
);

export const siteKinds = [
  "farm",
  "fishing_ground",
  "base",
  "processing",
  "port",
  "warehouse",
] as const;

export const sites = sqliteTable(
  "sites",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id),
    name: text("name").notNull(),
    kind: text("kind", { enum: siteKinds }).notNull(),
    lat: real("lat").notNull(),
    lng: real("lng").notNull(),
    regionCode: text("region_code").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("sites_organization_idx").on(t.organizationId)],
);

export const roles = ["admin", "producer", "regulator", "consumer", "partner"] as const;
export type Role = (typeof roles)[number];

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    /** Null for consumers created by WeChat login. */
    email: text("email"),
    /** Versioned PBKDF2 string; null for accounts without a password (WeChat consumers). */
    passwordHash: text("password_hash"),
    role: text("role", { enum: roles }).notNull(),
    displayName: text("display_name").notNull(),
    organizationId: text("organization_id").references(() => organizations.id),
    /** JSON array of GB/T 2260 codes a regulator covers. */
    regionCodes: text("region_codes", { mode: "json" }).$type<string[]>().notNull().default([]),
    /** Keyed hash of the WeChat openid; the raw openid is never stored. */
    wechatOpenidHash: text("wechat_openid_hash"),
    disabledAt: text("disabled_at"),
    lastLoginAt: text("last_login_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("users_email_uq").on(t.email),
    uniqueIndex("users_wechat_openid_hash_uq").on(t.wechatOpenidHash),
    index("users_organization_idx").on(t.organizationId),
  ],
);

/**
 * Failed sign-ins per (account, source): keyed by a keyed hash of the e-mail and the source, so
 * that known and unknown accounts are counted alike and another address's failures never lock
 * the owner out.
 */
export const loginAttempts = sqliteTable(
  "login_attempts",
  {
    key: text("key").primaryKey(),
    count: integer("count").notNull().default(0),
    windowStart: text("window_start").notNull(),
  },
  (t) => [index("login_attempts_window_idx").on(t.windowStart)],
);

export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    /** All tokens descended from one login share a family; reuse of a spent one revokes it. */
    familyId: text("family_id").notNull(),
    tokenHash: text("token_hash").notNull(),
    expiresAt: text("expires_at").notNull(),
    spentAt: text("spent_at"),
    revokedAt: text("revoked_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("refresh_tokens_hash_uq").on(t.tokenHash),
    index("refresh_tokens_family_idx").on(t.familyId),
  ],
);

export const authorizationStatuses = ["active", "suspended", "revoked"] as const;

export const authorizations = sqliteTable(
  "authorizations",
  {
    id: text("id").primaryKey(),
    number: text("number").notNull(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id),
    giProductId: text("gi_product_id")
      .notNull()
      .references(() => giProducts.id),
    validFrom: text("valid_from").notNull(),
    validUntil: text("valid_until").notNull(),
    /** Labels per calendar year; null means unlimited. */
    annualLabelQuota: integer("annual_label_quota"),
    /** Stored status; "expired" is derived from valid_until when read. */
    status: text("status", { enum: authorizationStatuses }).notNull().default("active"),
    statusReason: text("status_reason"),
    statusChangedBy: text("status_changed_by"),
    statusChangedAt: text("status_changed_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("authorizations_number_uq").on(t.number),
    index("authorizations_org_product_idx").on(t.organizationId, t.giProductId),
    index("authorizations_product_idx").on(t.giProductId),
  ],
);

/**
 * Labels issued per authorization and calendar year. The quota is copied here so that a CHECK
 * constraint enforces it: an issuing batch that would pass it fails as a whole, atomically,
 * however many requests run at once.
 */
export const authorizationLabelUsage = sqliteTable(
  "authorization_label_usage",
  {
    authorizationId: text("authorization_id")
      .notNull()
      .references(() => authorizations.id),
    year: integer("year").notNull(),
    issued: integer("issued").notNull().default(0),
    quota: integer("quota"),
  },
  (t) => [
    primaryKey({ columns: [t.authorizationId, t.year] }),
    check("label_quota_not_exceeded", sql`${t.quota} IS NULL OR ${t.issued} <= ${t.quota}`),
  ],
);

export const batchStatuses = ["draft", "released", "recalled"] as const;

export const batches = sqliteTable(
  "batches",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id),
    authorizationId: text("authorization_id")
      .notNull()
      .references(() => authorizations.id),
    siteId: text("site_id")
      .notNull()
      .references(() => sites.id),
    lotCode: text("lot_code").notNull(),
    /** GTIN-14, check digit verified. */
    gtin: text("gtin"),
    quantity: real("quantity").notNull(),
    unit: text("unit").notNull(),
    producedAt: text("produced_at").notNull(),
    description: text("description"),
    status: text("status", { enum: batchStatuses }).notNull().default("draft"),
    statusReason: text("status_reason"),
    releasedAt: text("released_at"),
    recalledAt: text("recalled_at"),
    labelCount: integer("label_count").notNull().default(0),
    /** Labels scanned at least once, and labels a copy rule flagged: the batch_anomaly inputs. */
    labelsScanned: integer("labels_scanned").notNull().default(0),
    labelsFlagged: integer("labels_flagged").notNull().default(0),
    createdBy: text("created_by"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("batches_org_lot_uq").on(t.organizationId, t.lotCode),
    index("batches_authorization_idx").on(t.authorizationId),
    index("batches_gtin_lot_idx").on(t.gtin, t.lotCode),
    index("batches_org_created_idx").on(t.organizationId, t.createdAt),
  ],
);

export const traceEventTypes = [
  "harvest",
  "catch",
  "landing",
  "processing",
  "inspection",
  "packing",
  "shipping",
  "receiving",
  "retail",
  /** A captured EPCIS event whose CBV business step has no type of its own (see biz_step). */
  "other",
] as const;

export const traceEvents = sqliteTable(
  "trace_events",
  {
    id: text("id").primaryKey(),
    batchId: text("batch_id")
      .notNull()
      .references(() => batches.id),
    type: text("type", { enum: traceEventTypes }).notNull(),
    occurredAt: text("occurred_at").notNull(),
    lat: real("lat"),
    lng: real("lng"),
    placeName: text("place_name"),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>(),
    actorUserId: text("actor_user_id"),
    /** Set for events captured through POST /epcis/capture: the event as sent, its id and step. */
    epcisEventId: text("epcis_event_id"),
    epcisEvent: text("epcis_event", { mode: "json" }).$type<Record<string, unknown>>(),
    bizStep: text("biz_step"),
    captureJobId: text("capture_job_id"),
    createdAt: createdAt(),
  },
  (t) => [
    index("trace_events_batch_time_idx").on(t.batchId, t.occurredAt),
    // One stored event per EPCIS eventID per batch: a repeated capture stores nothing twice.
    uniqueIndex("trace_events_batch_epcis_event_uq")
      .on(t.batchId, t.epcisEventId)
      .where(sql`epcis_event_id IS NOT NULL`),
    index("trace_events_epcis_event_idx").on(t.epcisEventId),
  ],
);

export const captureJobStatuses = ["success", "failed"] as const;

/** EPCIS 2.0 capture jobs (POST /epcis/capture); a capture is all or nothing. */
export const epcisCaptureJobs = sqliteTable(
  "epcis_capture_jobs",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    organizationId: text("organization_id"),
    status: text("status", { enum: captureJobStatuses }).notNull(),
    eventCount: integer("event_count").notNull(),
    capturedCount: integer("captured_count").notNull(),
    duplicateCount: integer("duplicate_count").notNull(),
    /** One entry per refused event: `{event_index, event_id, reason}`. */
    errors: text("errors", { mode: "json" })
      .$type<Record<string, unknown>[]>()
      .notNull()
      .default([]),
    createdAt: createdAt(),
  },
  (t) => [index("epcis_capture_jobs_user_idx").on(t.userId, t.createdAt)],
);

export const labelStatuses = ["active", "voided"] as const;

export const labels = sqliteTable(
  "labels",
  {
    /** The printed code, upper-case Crockford base32; the natural key of every lookup. */
    code: text("code").primaryKey(),
    batchId: text("batch_id")
      .notNull()
      .references(() => batches.id),
    /** Id of the HMAC key that tagged the code, so keys can rotate. */
    keyId: text("key_id").notNull(),
    status: text("status", { enum: labelStatuses }).notNull().default("active"),
    voidReason: text("void_reason"),
    voidedAt: text("voided_at"),
    voidedBy: text("voided_by"),
    scanCount: integer("scan_count").notNull().default(0),
    firstScanAt: text("first_scan_at"),
    firstScanRegion: text("first_scan_region"),
    lastScanAt: text("last_scan_at"),
    lastScanLat: real("last_scan_lat"),
    lastScanLng: real("last_scan_lng"),
    /** JSON array of distinct client key hashes seen (capped), for the many_clients rule. */
    clientKeys: text("client_keys", { mode: "json" }).$type<string[]>().notNull().default([]),
    /** JSON array of distinct prefecture codes seen, for the wide_spread rule. */
    scanRegions: text("scan_regions", { mode: "json" }).$type<string[]>().notNull().default([]),
    /** The scan that first tripped a copy rule (many_clients, impossible_travel, wide_spread). */
    flaggedByScan: text("flagged_by_scan"),
    createdAt: createdAt(),
  },
  // The batch's label order (issue time, then code): the JSON pages, the CSV stream and the PDF
  // positions walk it, and it serves every lookup by batch.
  (t) => [index("labels_batch_order_idx").on(t.batchId, t.createdAt, t.code)],
);

export const verdicts = [
  "genuine",
  "warning",
  "suspicious",
  "counterfeit",
  "recalled",
  "invalid",
] as const;
export const locationSources = ["gps", "ip", "none"] as const;

export const scans = sqliteTable(
  "scans",
  {
    id: text("id").primaryKey(),
    /** Null for invalid (forged or unknown) codes: then raw_input holds what was sent. */
    labelCode: text("label_code").references(() => labels.code),
    batchId: text("batch_id"),
    organizationId: text("organization_id"),
    rawInput: text("raw_input"),
    /** Keyed hash of the openid, client id or IP; never the raw value. */
    clientKey: text("client_key").notNull(),
    /**
     * Keyed hash of where the scan came from that the caller cannot choose (the connecting
     * network, see sourceKeyOf): what rate limits, probe counting and many_clients key on.
     */
    sourceKey: text("source_key").notNull().default(""),
    userId: text("user_id"),
    /** Rounded to about 1 km. */
    lat: real("lat"),
    lng: real("lng"),
    locationSource: text("location_source", { enum: locationSources }).notNull().default("none"),
    regionCode: text("region_code"),
    userAgentClass: text("user_agent_class"),
    verdict: text("verdict", { enum: verdicts }).notNull(),
    reasons: text("reasons", { mode: "json" }).$type<string[]>().notNull().default([]),
    requestId: text("request_id"),
    scannedAt: text("scanned_at").notNull().default(now),
  },
  (t) => [
    index("scans_label_time_idx").on(t.labelCode, t.scannedAt),
    index("scans_batch_time_idx").on(t.batchId, t.scannedAt),
    index("scans_org_time_idx").on(t.organizationId, t.scannedAt),
    index("scans_region_time_idx").on(t.regionCode, t.scannedAt),
    index("scans_client_time_idx").on(t.clientKey, t.scannedAt),
    index("scans_time_idx").on(t.scannedAt),
    // The GeoJSON export walks the scans with a point newest first: only those, however few.
    index("scans_located_time_idx").on(t.scannedAt, t.id).where(sql`lat IS NOT NULL`),
    // The forged-code burst rule counts recent invalid scans per source and per region on the
    // scan path; these hold only invalid scans, so genuine traffic does not slow the count.
    index("scans_invalid_source_time_idx")
      .on(t.sourceKey, t.scannedAt)
      .where(sql`verdict = 'invalid'`),
    index("scans_invalid_region_time_idx")
      .on(t.regionCode, t.scannedAt)
      .where(sql`verdict = 'invalid'`),
    // A regulator's scans list walks its scan regions and its producers one by one, newest
    // first; a flagged verdict is a few scans in many, so it walks these, which hold only those
    // (src/db/queries/regulator-scans.ts). Invalid scans have theirs above, and no producer; a
    // forged code, the scan path's cheapest write, maintains no more indexes than before.
    index("scans_flagged_region_time_idx")
      .on(t.regionCode, t.verdict, t.scannedAt)
      .where(sql`verdict NOT IN ('genuine', 'invalid')`),
    index("scans_flagged_org_time_idx")
      .on(t.organizationId, t.verdict, t.scannedAt)
      .where(sql`verdict NOT IN ('genuine', 'invalid')`),
  ],
);

/** Raw scans past retention, rolled up per label, region and day. */
export const scanDailyAggregates = sqliteTable(
  "scan_daily_aggregates",
  {
    day: text("day").notNull(),
    labelCode: text("label_code").notNull().default(""),
    regionCode: text("region_code").notNull().default(""),
    verdict: text("verdict", { enum: verdicts }).notNull(),
    scans: integer("scans").notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.labelCode, t.regionCode, t.verdict] })],
);

// With scan databases per province (SCAN_DATABASES), a routed scan's row lives in its province's
// database and its counters, label and alerts here; no transaction spans both. The queue consumer
// writes this row in the registry's transaction and then the scan row with INSERT OR IGNORE, so
// a redelivery finds the scan here and writes only what is missing. A location added later is
// recorded here first, by the request that wins (`locatedBy`), then written to the province.
// Rows are pruned by the nightly job after SCAN_LEDGER_DAYS.
export const scanLedger = sqliteTable(
  "scan_ledger",
  {
    scanId: text("scan_id").primaryKey(),
    /** The binding of the scan database that holds the row (SCAN_DATABASES). */
    database: text("database").notNull(),
    scannedAt: text("scanned_at").notNull(),
    /** The request id of the location request that won, and what it wrote (JSON). */
    locatedBy: text("located_by"),
    location: text("location", { mode: "json" }).$type<ScanLedgerLocation>(),
  },
  (t) => [index("scan_ledger_time_idx").on(t.scannedAt)],
);

export type ScanLedgerLocation = {
  lat: number;
  lng: number;
  regionCode: string | null;
  verdict: (typeof verdicts)[number];
  reasons: string[];
};

// The nightly roll-up of a province's scan database: scans up to (throughAt, throughId) are
// counted in scan_daily_aggregates (written in the registry's transaction) and may be deleted
// there; a run first deletes what an interrupted run counted but did not delete.
export const scanRollupProgress = sqliteTable("scan_rollup_progress", {
  database: text("database").primaryKey(),
  throughAt: text("through_at").notNull(),
  throughId: text("through_id").notNull(),
});

// Scan counters: scans per Beijing calendar day (the overview's days) and key, one column per
// verdict, kept exact on write in the scan's own transaction and never rolled up or deleted:
// statistics read these, not the scans. '' stands for none (an invalid code has no
// organization or batch; a scan may have no region). A verdict is a column, not a key, so that
// a day holds one row per key whatever mix of verdicts it saw.
const verdictCounts = () => ({
  genuine: integer("genuine").notNull().default(0),
  warning: integer("warning").notNull().default(0),
  suspicious: integer("suspicious").notNull().default(0),
  counterfeit: integer("counterfeit").notNull().default(0),
  recalled: integer("recalled").notNull().default(0),
  invalid: integer("invalid").notNull().default(0),
});

/** Every scan per day, producer organization and scan region: scans per day, verdict mix. */
export const scanDayCounters = sqliteTable(
  "scan_day_counters",
  {
    day: text("day").notNull(),
    organizationId: text("organization_id").notNull().default(""),
    regionCode: text("region_code").notNull().default(""),
    ...verdictCounts(),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.organizationId, t.regionCode] }),
    index("scan_day_counters_org_day_idx").on(t.organizationId, t.day),
  ],
);

/**
 * Every scan with a region per day and producer organization under each scope code that covers
 * its region (province, prefecture, county: scopeCodesOf), so that a regulator's regions are
 * answered by equality, one code per scope.
 */
export const scanAreaCounters = sqliteTable(
  "scan_area_counters",
  {
    areaCode: text("area_code").notNull(),
    day: text("day").notNull(),
    organizationId: text("organization_id").notNull().default(""),
    ...verdictCounts(),
  },
  (t) => [primaryKey({ columns: [t.areaCode, t.day, t.organizationId] })],
);

/** Scans of a batch per day (its organization beside it): top batches by producer. */
export const scanBatchCounters = sqliteTable(
  "scan_batch_counters",
  {
    day: text("day").notNull(),
    batchId: text("batch_id").notNull(),
    organizationId: text("organization_id").notNull(),
    ...verdictCounts(),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.batchId] }),
    index("scan_batch_counters_org_day_idx").on(t.organizationId, t.day),
  ],
);

/** Scans of a batch per day under each scope code that covers the scan's region. */
export const scanBatchAreaCounters = sqliteTable(
  "scan_batch_area_counters",
  {
    areaCode: text("area_code").notNull(),
    day: text("day").notNull(),
    batchId: text("batch_id").notNull(),
    organizationId: text("organization_id").notNull(),
    ...verdictCounts(),
  },
  (t) => [primaryKey({ columns: [t.areaCode, t.day, t.batchId] })],
);

export const alertSubjects = ["label", "batch", "authorization", "client", "region"] as const;
export const alertSeverities = ["low", "medium", "high", "critical"] as const;
export const alertStatuses = [
  "new",
  "acknowledged",
  "investigating",
  "confirmed",
  "dismissed",
] as const;
/** The statuses the overview counts as open: every one an alert can still leave. */
export const openAlertStatuses = ["new", "acknowledged", "investigating"] as const;

export const alerts = sqliteTable(
  "alerts",
  {
    id: text("id").primaryKey(),
    rule: text("rule").notNull(),
    subjectType: text("subject_type", { enum: alertSubjects }).notNull(),
    subjectId: text("subject_id").notNull(),
    labelCode: text("label_code"),
    batchId: text("batch_id"),
    authorizationId: text("authorization_id"),
    organizationId: text("organization_id"),
    /** Producer's region, for regulator scoping. */
    regionCode: text("region_code"),
    /** Region where the scans that raised it happened, also used for regulator scoping. */
    scanRegionCode: text("scan_region_code"),
    severity: text("severity", { enum: alertSeverities }).notNull(),
    status: text("status", { enum: alertStatuses }).notNull().default("new"),
    count: integer("count").notNull().default(1),
    firstSeenAt: text("first_seen_at").notNull().default(now),
    lastSeenAt: text("last_seen_at").notNull().default(now),
    details: text("details", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    // The region codes' prefixes a regulator scope names (province: two digits, prefecture:
    // four), computed by SQLite, so that the alert queue's indexes answer a scope by equality.
    regionPrefix2: text("region_prefix2").generatedAlwaysAs(sql`substr(region_code, 1, 2)`, {
      mode: "virtual",
    }),
    regionPrefix4: text("region_prefix4").generatedAlwaysAs(sql`substr(region_code, 1, 4)`, {
      mode: "virtual",
    }),
    scanRegionPrefix2: text("scan_region_prefix2").generatedAlwaysAs(
      sql`substr(scan_region_code, 1, 2)`,
      { mode: "virtual" },
    ),
    scanRegionPrefix4: text("scan_region_prefix4").generatedAlwaysAs(
      sql`substr(scan_region_code, 1, 4)`,
      { mode: "virtual" },
    ),
  },
  (t) => [
    index("alerts_status_region_idx").on(t.status, t.regionCode),
    index("alerts_scan_region_idx").on(t.scanRegionCode, t.status),
    index("alerts_subject_rule_idx").on(t.subjectType, t.subjectId, t.rule, t.lastSeenAt),
    index("alerts_org_idx").on(t.organizationId, t.status),
    // The alert queue lists newest seen first, with a (last_seen_at, id) cursor, per scope.
    index("alerts_seen_idx").on(t.lastSeenAt, t.id),
    index("alerts_status_seen_idx").on(t.status, t.lastSeenAt, t.id),
    index("alerts_org_seen_idx").on(t.organizationId, t.lastSeenAt, t.id),
    // A regulator's scope names a province (two digits), a prefecture (four) or a county (the
    // code): one index per level and region column walks that scope's alerts in order.
    index("alerts_region_seen_idx").on(t.regionCode, t.lastSeenAt, t.id),
    index("alerts_region_prefix4_seen_idx").on(t.regionPrefix4, t.lastSeenAt, t.id),
    index("alerts_region_prefix2_seen_idx").on(t.regionPrefix2, t.lastSeenAt, t.id),
    index("alerts_scan_region_seen_idx").on(t.scanRegionCode, t.lastSeenAt, t.id),
    index("alerts_scan_region_prefix4_seen_idx").on(t.scanRegionPrefix4, t.lastSeenAt, t.id),
    index("alerts_scan_region_prefix2_seen_idx").on(t.scanRegionPrefix2, t.lastSeenAt, t.id),
  ],
);

/**
 * The overview's alerts by rule: per Beijing day and rule, the alerts last seen that day and
 * those first seen that day, each with how many of them are open, so that the alerts seen within
 * a period are a difference of two suffix sums (src/db/queries/alert-counts.ts). Keyed by scope:
 * every alert counts under ('', '', ''), an organization's also under (its id, '', ''), and under
 * each pair of its producer region's and scan region's scope codes (scopeCodesOf), '' standing for
 * any, so that a regulator's regions are answered by equality.
 */
export const alertCounters = sqliteTable(
  "alert_counters",
  {
    organizationId: text("organization_id").notNull().default(""),
    regionArea: text("region_area").notNull().default(""),
    scanArea: text("scan_area").notNull().default(""),
    day: text("day").notNull(),
    rule: text("rule").notNull(),
    lastSeen: integer("last_seen").notNull().default(0),
    openLastSeen: integer("open_last_seen").notNull().default(0),
    firstSeen: integer("first_seen").notNull().default(0),
    openFirstSeen: integer("open_first_seen").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.regionArea, t.scanArea, t.day, t.rule] })],
);

export const alertEvents = sqliteTable(
  "alert_events",
  {
    id: text("id").primaryKey(),
    alertId: text("alert_id")
      .notNull()
      .references(() => alerts.id),
    fromStatus: text("from_status", { enum: alertStatuses }),
    toStatus: text("to_status", { enum: alertStatuses }).notNull(),
    note: text("note"),
    actions: text("actions", { mode: "json" }).$type<string[]>().notNull().default([]),
    actorUserId: text("actor_user_id"),
    at: text("at").notNull().default(now),
  },
  (t) => [index("alert_events_alert_idx").on(t.alertId, t.at)],
);

export const reportStatuses = ["new", "reviewed", "closed"] as const;

/** A consumer's report of a suspected fake. */
export const reports = sqliteTable(
  "reports",
  {
    id: text("id").primaryKey(),
    labelCode: text("label_code"),
    description: text("description").notNull(),
    lat: real("lat"),
    lng: real("lng"),
    regionCode: text("region_code"),
    clientKey: text("client_key").notNull(),
    userId: text("user_id"),
    /** The producer of the reported label, when the code is a real one. */
    organizationId: text("organization_id"),
    /** The alert the report was attached to. */
    alertId: text("alert_id"),
    status: text("status", { enum: reportStatuses }).notNull().default("new"),
    createdAt: createdAt(),
  },
  (t) => [
    index("reports_label_idx").on(t.labelCode),
    index("reports_region_idx").on(t.regionCode, t.createdAt),
    index("reports_alert_idx").on(t.alertId, t.createdAt),
    index("reports_created_idx").on(t.createdAt),
  ],
);

/** Append-only: rows are inserted, never updated or deleted. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    actorUserId: text("actor_user_id"),
    actorRole: text("actor_role"),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id").notNull(),
    before: text("before", { mode: "json" }).$type<unknown>(),
    after: text("after", { mode: "json" }).$type<unknown>(),
    requestId: text("request_id"),
    at: text("at").notNull().default(now),
  },
  (t) => [
    index("audit_log_target_idx").on(t.targetId, t.at),
    index("audit_log_at_idx").on(t.at),
    index("audit_log_actor_idx").on(t.actorUserId, t.at),
    index("audit_log_action_idx").on(t.action, t.at),
  ],
);

export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    /**
     * Who sent it (user id, or the source of an anonymous caller) and on which operation, so
     * keys of different callers never meet.
     */
    scope: text("scope").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    statusCode: integer("status_code"),
    responseBody: text("response_body"),
    /** Who holds the claim while the first request runs, and until when (a short lease). */
    leaseToken: text("lease_token"),
    leaseExpiresAt: text("lease_expires_at"),
    /** Set in the transaction of the request's own writes: its effect happened. */
    committedAt: text("committed_at"),
    createdAt: createdAt(),
    expiresAt: text("expires_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.scope, t.key] }),
    index("idempotency_expires_idx").on(t.expiresAt),
  ],
);

/**
 * Risk settings as one document (see src/lib/risk/settings.ts); a single row keyed "current".
 * Stored leniently merged over the defaults, so rules added later get their defaults.
 */
export const riskSettings = sqliteTable("risk_settings", {
  key: text("key").primaryKey(),
  settings: text("settings", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  updatedBy: text("updated_by"),
  updatedAt: updatedAt(),
});

export const noticeTopics = ["recall"] as const;
/**
 * pending → sending → sent | refused (WeChat 43101) | failed (a permanent WeChat error);
 * in_app_only when no WeChat subscription is left to spend; unconfirmed when a consumer died
 * between claiming and recording the send (never resent: a one-time subscription is spent once).
 */
export const noticeDeliveries = [
  "pending",
  "sending",
  "sent",
  "refused",
  "failed",
  "in_app_only",
  "unconfirmed",
] as const;

/**
 * A consumer's acceptance of a WeChat one-time subscription: one notice may be pushed for it.
 * The openid WeChat needs as addressee is kept sealed (AES-GCM, see src/lib/sealed-openid.ts)
 * and erased when the subscription is spent.
 */
export const noticeSubscriptions = sqliteTable(
  "notice_subscriptions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    topic: text("topic", { enum: noticeTopics }).notNull(),
    openidSealed: text("openid_sealed"),
    createdAt: createdAt(),
    usedAt: text("used_at"),
  },
  (t) => [index("notice_subscriptions_user_idx").on(t.userId, t.topic, t.usedAt)],
);

/** One notice per consumer, batch and topic: the unique index makes the fan-out idempotent. */
export const notifications = sqliteTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    topic: text("topic", { enum: noticeTopics }).notNull(),
    batchId: text("batch_id")
      .notNull()
      .references(() => batches.id),
    title: text("title").notNull(),
    body: text("body").notNull(),
    delivery: text("delivery", { enum: noticeDeliveries }).notNull().default("pending"),
    subscriptionId: text("subscription_id"),
    wechatErrcode: integer("wechat_errcode"),
    createdAt: createdAt(),
    deliveredAt: text("delivered_at"),
  },
  (t) => [
    uniqueIndex("notifications_user_batch_topic_uq").on(t.userId, t.batchId, t.topic),
    index("notifications_user_time_idx").on(t.userId, t.createdAt),
    index("notifications_batch_idx").on(t.batchId, t.delivery),
  ],
);

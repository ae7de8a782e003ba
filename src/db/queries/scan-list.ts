// The reads of GET /v1/scans: the list's filters, and the chunks of its exports. Both walk the
// same order (newest first, then id) and take the caller's scope as a condition on the scans
// table alone. Every scan database (one, or one per province) is read to the page's size and
// the pages merged on the keyset; an export's names come from the registry per chunk.
import { and, desc, eq, gte, isNotNull, type SQL, sql } from "drizzle-orm";
import { regionCondition } from "../../lib/access";
import { newestFirst } from "../../lib/newest-first";
import type { AuthUser } from "../../types";
import { type Db, getDb } from "../client";
import type { ScanDatabases } from "../scan-databases";
import {
  authorizations,
  batches,
  giProducts,
  organizations,
  scans,
  type verdicts,
} from "../schema";
import { jsonValues } from "../sql";
import { regulatorScans } from "./regulator-scans";
import { scanScope } from "./scopes";

export type ScanFilters = {
  label_code?: string;
  batch_id?: string;
  verdict?: (typeof verdicts)[number];
  since?: string;
};

export function scanFilterCondition(filters: ScanFilters): SQL | undefined {
  return and(
    filters.label_code ? eq(scans.labelCode, filters.label_code.toUpperCase()) : undefined,
    filters.batch_id ? eq(scans.batchId, filters.batch_id) : undefined,
    filters.verdict ? eq(scans.verdict, filters.verdict) : undefined,
    filters.since ? gte(scans.scannedAt, new Date(filters.since).toISOString()) : undefined,
  );
}

export type ScanKey = { at: string; id: string };

type ScanRow = typeof scans.$inferSelect;

const after = (key: ScanKey | undefined) =>
  key ? sql`(${scans.scannedAt}, ${scans.id}) < (${key.at}, ${key.id})` : undefined;
const withPoint = (located: boolean) =>
  located ? and(isNotNull(scans.lat), isNotNull(scans.lng)) : undefined;
const keyOfScan = (row: ScanRow): ScanKey => ({ at: row.scannedAt, id: row.id });

/** The ids of the organizations in a regulator's regions, from the registry. */
async function producersOf(registry: Db, user: AuthUser): Promise<string[]> {
  const producers = await registry
    .select({ id: organizations.id })
    .from(organizations)
    .where(regionCondition(user.regionCodes, organizations.regionCode));
  return producers.map((p) => p.id);
}

/**
 * The scans a caller's list or export reads: those its scope and the filters select, from the
 * one database or merged from all of them.
 */
export type ScanReader = {
  /** Up to `size` scans after `key`, newest first. */
  chunk(key: ScanKey | undefined, size: number, located?: boolean): Promise<ScanRow[]>;
  /** The same scans with the product, producer and lot of each, for exports. */
  exportChunk(key: ScanKey | undefined, size: number, located?: boolean): Promise<ScanExportRow[]>;
};

export async function scanReader(
  databases: ScanDatabases,
  user: AuthUser,
  filters: ScanFilters,
): Promise<ScanReader> {
  const registry = getDb(databases.registry);
  const filtered = scanFilterCondition(filters);
  // A regulator's list without a label or batch to narrow it: walks per region and producer.
  if (user.role === "regulator" && !filters.label_code && !filters.batch_id) {
    const producerIds = await producersOf(registry, user);
    const since = filters.since ? new Date(filters.since).toISOString() : undefined;
    return mergedReader(databases, (db, key, size, located) =>
      regulatorScans(db, {
        regionCodes: user.regionCodes,
        producerIds,
        verdict: filters.verdict,
        since,
        after: key,
        located,
        size,
      }),
    );
  }
  const producers =
    user.role === "regulator"
      ? sql`${scans.organizationId} IN ${jsonValues(await producersOf(registry, user))}`
      : undefined;
  const where = and(scanScope(user, producers), filtered);
  return mergedReader(databases, (db, key, size, located) =>
    scanChunk(db, where, key, size, located),
  );
}

/** A reader over every scan database: each read to the chunk's size, merged on the keyset. */
function mergedReader(
  databases: ScanDatabases,
  read: (db: Db, key: ScanKey | undefined, size: number, located: boolean) => Promise<ScanRow[]>,
): ScanReader {
  const chunk = async (key: ScanKey | undefined, size: number, located = false) => {
    const lists = await Promise.all(
      databases.all.map(({ d1 }) => read(getDb(d1), key, size, located)),
    );
    return newestFirst(lists, size, keyOfScan);
  };
  return {
    chunk,
    exportChunk: async (key, size, located = false) =>
      withNames(getDb(databases.registry), await chunk(key, size, located)),
  };
}

/** One scan database's scans matching `where` after `key`, newest first (no joins). */
export function scanChunk(
  db: Db,
  where: SQL | undefined,
  key: ScanKey | undefined,
  size: number,
  located = false,
) {
  return db
    .select()
    .from(scans)
    .where(and(where, after(key), withPoint(located)))
    .orderBy(desc(scans.scannedAt), desc(scans.id))
    .limit(size);
}

/** What a reader of an export wants beside a scan's ids: its lot, producer and product. */
const NAMES = {
  lotCode: batches.lotCode,
  producer: organizations.name,
  productZh: giProducts.nameZh,
  productEn: giProducts.nameEn,
};

/** The product, producer and lot of each scan's batch, from the registry. */
async function withNames(registry: Db, rows: ScanRow[]): Promise<ScanExportRow[]> {
  const batchIds = [...new Set(rows.flatMap((row) => (row.batchId ? [row.batchId] : [])))];
  const names = batchIds.length
    ? await registry
        .select({ batchId: batches.id, ...NAMES })
        .from(batches)
        .leftJoin(organizations, eq(organizations.id, batches.organizationId))
        .leftJoin(authorizations, eq(authorizations.id, batches.authorizationId))
        .leftJoin(giProducts, eq(giProducts.id, authorizations.giProductId))
        .where(sql`${batches.id} IN ${jsonValues(batchIds)}`)
    : [];
  const byBatch = new Map(names.map((n) => [n.batchId, n]));
  return rows.map((scan) => {
    const name = scan.batchId ? byBatch.get(scan.batchId) : undefined;
    return {
      scan,
      lotCode: name?.lotCode ?? null,
      producer: name?.producer ?? null,
      productZh: name?.productZh ?? null,
      productEn: name?.productEn ?? null,
    };
  });
}

export type ScanExportRow = {
  scan: ScanRow;
  lotCode: string | null;
  producer: string | null;
  productZh: string | null;
  productEn: string | null;
};

/** The databases that may hold scans of a producer in `producerRegionCode`: its own and the registry. */
export function databasesOfProducer(
  databases: ScanDatabases,
  producerRegionCode: string | null | undefined,
): D1Database[] {
  const own = databases.of(producerRegionCode);
  return own.d1 === databases.registry ? [databases.registry] : [databases.registry, own.d1];
}

/**
 * The newest `size` scans that `where` selects among one producer's scans (its label, batch or
 * authorization), from the databases that may hold them: a province's database holds them since
 * it was added, the registry those from before.
 */
export async function producerScans(
  databases: ScanDatabases,
  producerRegionCode: string | null | undefined,
  where: SQL | undefined,
  size: number,
): Promise<ScanRow[]> {
  const lists = await Promise.all(
    databasesOfProducer(databases, producerRegionCode).map((d1) =>
      scanChunk(getDb(d1), where, undefined, size),
    ),
  );
  return newestFirst(lists, size, keyOfScan);
}

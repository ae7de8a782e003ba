// The reads of GET /v1/scans: the list's filters, and the chunks of its exports. Both walk the
// same order (newest first, then id) and take the caller's scope as a condition.
import { and, desc, eq, gte, isNotNull, type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import {
  authorizations,
  batches,
  giProducts,
  organizations,
  scans,
  type verdicts,
} from "../schema";

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

/**
 * One chunk of an export of scans: the scans matching `where` after `after`, with the product,
 * producer and lot a reader of the file wants beside the ids. `located` keeps scans with a point.
 */
export function scanExportChunk(
  db: Db,
  where: SQL | undefined,
  after: ScanKey | undefined,
  size: number,
  located = false,
) {
  return db
    .select({
      scan: scans,
      lotCode: batches.lotCode,
      producer: organizations.name,
      productZh: giProducts.nameZh,
      productEn: giProducts.nameEn,
    })
    .from(scans)
    .leftJoin(organizations, eq(organizations.id, scans.organizationId))
    .leftJoin(batches, eq(batches.id, scans.batchId))
    .leftJoin(authorizations, eq(authorizations.id, batches.authorizationId))
    .leftJoin(giProducts, eq(giProducts.id, authorizations.giProductId))
    .where(
      and(
        where,
        after ? sql`(${scans.scannedAt}, ${scans.id}) < (${after.at}, ${after.id})` : undefined,
        located ? and(isNotNull(scans.lat), isNotNull(scans.lng)) : undefined,
      ),
    )
    .orderBy(desc(scans.scannedAt), desc(scans.id))
    .limit(size);
}

export type ScanExportRow = Awaited<ReturnType<typeof scanExportChunk>>[number];

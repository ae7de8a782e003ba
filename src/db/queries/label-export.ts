import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { authorizations, giProducts, labels, organizations } from "../schema";

export type LabelKey = { at: string; code: string };

/** One chunk of a batch's labels after `after`, in the batch's label order (issue time, code). */
export function labelExportChunk(
  db: Db,
  batchId: string,
  after: LabelKey | undefined,
  size: number,
) {
  return db
    .select({
      code: labels.code,
      status: labels.status,
      scanCount: labels.scanCount,
      firstScanAt: labels.firstScanAt,
      firstScanRegion: labels.firstScanRegion,
      createdAt: labels.createdAt,
    })
    .from(labels)
    .where(
      and(
        eq(labels.batchId, batchId),
        after
          ? sql`(${labels.createdAt}, ${labels.code}) > (${after.at}, ${after.code})`
          : undefined,
      ),
    )
    .orderBy(asc(labels.createdAt), asc(labels.code))
    .limit(size);
}

/**
 * Labels `from` (1-based) to `from + count - 1` of a batch in the batch's label order: the
 * positions a label sheet prints, the same as the nth row of the export.
 */
export function labelPositions(db: Db, batchId: string, from: number, count: number) {
  return db
    .select({ code: labels.code, status: labels.status })
    .from(labels)
    .where(eq(labels.batchId, batchId))
    .orderBy(asc(labels.createdAt), asc(labels.code))
    .limit(count)
    .offset(from - 1);
}

/** What the labels of an authorization's batches name: the GI product and its producer. */
export async function labelProductOf(db: Db, authorizationId: string) {
  const [row] = await db
    .select({
      nameZh: giProducts.nameZh,
      nameEn: giProducts.nameEn,
      protectionType: giProducts.protectionType,
      producer: organizations.name,
    })
    .from(authorizations)
    .innerJoin(giProducts, eq(giProducts.id, authorizations.giProductId))
    .innerJoin(organizations, eq(organizations.id, authorizations.organizationId))
    .where(eq(authorizations.id, authorizationId));
  return row ?? null;
}

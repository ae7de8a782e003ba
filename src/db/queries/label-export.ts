import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { authorizations, giProducts, labels } from "../schema";

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

/** The GI product names of an authorization, for the files people read. */
export async function productNamesOf(db: Db, authorizationId: string) {
  const [row] = await db
    .select({ nameZh: giProducts.nameZh, nameEn: giProducts.nameEn })
    .from(authorizations)
    .innerJoin(giProducts, eq(giProducts.id, authorizations.giProductId))
    .where(eq(authorizations.id, authorizationId));
  return row ?? null;
}

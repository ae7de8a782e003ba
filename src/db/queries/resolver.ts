// Reads of the GS1 resolver: what a GTIN, a lot and a serial (label code) are, in one round trip.
import { and, desc, eq, sql } from "drizzle-orm";
import { getDb } from "../client";
import { authorizations, batches, giProducts, labels } from "../schema";

export type ResolverBatch = {
  id: string;
  lotCode: string;
  gtin: string | null;
  status: string;
  authorizationNumber: string;
  productId: string;
  productNameZh: string;
  productNameEn: string | null;
};

// Aliased: drizzle's D1 batch maps joined rows by column name and loses colliding ones (id).
const batchColumns = {
  id: sql<string>`${batches.id}`.as("b_id"),
  lotCode: sql<string>`${batches.lotCode}`.as("b_lot_code"),
  gtin: sql<string | null>`${batches.gtin}`.as("b_gtin"),
  status: sql<string>`${batches.status}`.as("b_status"),
  authorizationNumber: sql<string>`${authorizations.number}`.as("a_number"),
  productId: sql<string>`${giProducts.id}`.as("p_id"),
  productNameZh: sql<string>`${giProducts.nameZh}`.as("p_name_zh"),
  productNameEn: sql<string | null>`${giProducts.nameEn}`.as("p_name_en"),
};

function batchesWith(db: ReturnType<typeof getDb>) {
  return db
    .select(batchColumns)
    .from(batches)
    .innerJoin(authorizations, eq(authorizations.id, batches.authorizationId))
    .innerJoin(giProducts, eq(giProducts.id, authorizations.giProductId));
}

/**
 * The newest batch carrying the GTIN (it names the GI product of the GTIN level), the batch of
 * the lot when one is asked, and the label of the serial with its own batch.
 */
export async function readResolverKey(
  d1: D1Database,
  key: { gtin14: string; lot?: string; code?: string },
): Promise<{
  gtinBatch: ResolverBatch | undefined;
  lotBatch: ResolverBatch | undefined;
  label: { code: string; batch: ResolverBatch } | undefined;
}> {
  const db = getDb(d1);
  const [gtinRows, lotRows, labelRows] = await db.batch([
    batchesWith(db).where(eq(batches.gtin, key.gtin14)).orderBy(desc(batches.createdAt)).limit(1),
    batchesWith(db)
      .where(and(eq(batches.gtin, key.gtin14), eq(batches.lotCode, key.lot ?? "")))
      .limit(1),
    db
      .select({ code: sql<string>`${labels.code}`.as("l_code"), ...batchColumns })
      .from(labels)
      .innerJoin(batches, eq(batches.id, labels.batchId))
      .innerJoin(authorizations, eq(authorizations.id, batches.authorizationId))
      .innerJoin(giProducts, eq(giProducts.id, authorizations.giProductId))
      .where(eq(labels.code, key.code ?? ""))
      .limit(1),
  ]);
  const labelRow = labelRows[0];
  return {
    gtinBatch: gtinRows[0],
    lotBatch: key.lot === undefined ? undefined : lotRows[0],
    label: labelRow ? { code: labelRow.code, batch: labelRow } : undefined,
  };
}

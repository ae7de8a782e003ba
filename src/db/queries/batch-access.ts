import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { assertReadable } from "../../lib/access";
import type { AppEnv } from "../../types";
import { getDb } from "../client";
import { authorizations, batches, giProducts, organizations } from "../schema";

export type BatchRow = typeof batches.$inferSelect;
export type ReadableBatch = BatchRow & { regionCode: string };

/** The batch with its producer's region, or 404 when the caller may not see it. */
export async function readableBatch(c: Context<AppEnv>, id: string): Promise<ReadableBatch> {
  const [row] = await getDb(c.env.DB)
    .select({ batch: batches, regionCode: organizations.regionCode })
    .from(batches)
    .innerJoin(organizations, eq(organizations.id, batches.organizationId))
    .where(eq(batches.id, id));
  const batch = row && { ...row.batch, regionCode: row.regionCode };
  return assertReadable(c.get("user"), batch, "batch", id);
}

/** An authorization with its GI product and its organization's status. */
export async function authorizationOf(c: Context<AppEnv>, id: string) {
  const [row] = await getDb(c.env.DB)
    .select({
      authorization: authorizations,
      product: giProducts,
      organizationStatus: organizations.status,
    })
    .from(authorizations)
    .innerJoin(giProducts, eq(giProducts.id, authorizations.giProductId))
    .innerJoin(organizations, eq(organizations.id, authorizations.organizationId))
    .where(eq(authorizations.id, id));
  return row;
}

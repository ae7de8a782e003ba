import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { getDb } from "../../db/client";
import { batches, organizations } from "../../db/schema";
import { assertReadable } from "../../lib/access";
import type { AppEnv } from "../../types";
import type { BatchRow } from "./batches.schemas";

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

import { sql } from "drizzle-orm";
import { authorizations as a } from "../schema";
import { bare, prepareSql } from "../sql";

export type Grant = {
  id: string;
  number: string;
  organizationId: string;
  giProductId: string;
  validFrom: string;
  validUntil: string;
  annualLabelQuota: number | null;
};

/**
 * Inserts the active authorization `grant` only when no active or suspended one of the same
 * organization and GI product overlaps its period (a suspension can be lifted), in one
 * statement, so two concurrent grants cannot both succeed.
 */
export function insertGrantUnlessOverlapping(d1: D1Database, grant: Grant): D1PreparedStatement {
  const overlapping = sql`EXISTS (SELECT 1 FROM ${a} WHERE ${a.organizationId} = ${grant.organizationId} AND ${a.giProductId} = ${grant.giProductId} AND ${a.status} IN ('active', 'suspended') AND ${a.validFrom} <= ${grant.validUntil} AND ${a.validUntil} >= ${grant.validFrom})`;
  return prepareSql(
    d1,
    sql`INSERT INTO ${a} (${bare(a.id)}, ${bare(a.number)}, ${bare(a.organizationId)}, ${bare(a.giProductId)}, ${bare(a.validFrom)}, ${bare(a.validUntil)}, ${bare(a.annualLabelQuota)}, ${bare(a.status)})
     SELECT ${grant.id}, ${grant.number}, ${grant.organizationId}, ${grant.giProductId}, ${grant.validFrom}, ${grant.validUntil}, ${grant.annualLabelQuota}, 'active' WHERE NOT ${overlapping}`,
  );
}

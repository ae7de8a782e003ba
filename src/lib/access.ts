// Who may see what (DESIGN section 6). Objects outside the caller's reach answer 404, never
// 403, so that ids of other organizations cannot be probed.
import { or, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { AuthUser } from "../types";
import { ApiError } from "./errors";
import { regionScopePrefixes, regionsCover } from "./regions";

export type Owned = { organizationId: string; regionCode: string | null };

/** May `user` read an object of organization `owner` (in region owner.regionCode)? */
export function canRead(user: AuthUser, owner: Owned): boolean {
  switch (user.role) {
    case "admin":
      return true;
    case "producer":
      return user.organizationId === owner.organizationId;
    case "regulator":
      return regionsCover(user.regionCodes, owner.regionCode);
    default:
      return false;
  }
}

/** May `user` act as the authority over it (void, suspend, recall): admin or regulator in region. */
export function canEnforce(user: AuthUser, owner: Owned): boolean {
  return (
    user.role === "admin" ||
    (user.role === "regulator" && regionsCover(user.regionCodes, owner.regionCode))
  );
}

export function notFound(what: string, id: string): ApiError {
  return new ApiError("not_found", `No ${what} ${id} exists.`);
}

/** Throws 404 unless `user` may read it. */
export function assertReadable<T extends Owned>(
  user: AuthUser,
  owner: T | undefined | null,
  what: string,
  id: string,
): T {
  if (!owner || !canRead(user, owner)) throw notFound(what, id);
  return owner;
}

/** SQL condition limiting rows to `regionColumn` values inside the regulator's regions. */
export function regionCondition(
  regionCodes: readonly string[],
  regionColumn: SQLiteColumn | SQL,
): SQL {
  const prefixes = regionScopePrefixes(regionCodes);
  if (prefixes.length === 0) return sql`0`;
  // A range, not LIKE, so that an index on the column serves it: ':' sorts right after '9', so
  // every code starting with `prefix` lies in [prefix, prefix + ':').
  return or(
    ...prefixes.map(
      (prefix) => sql`(${regionColumn} >= ${prefix} AND ${regionColumn} < ${`${prefix}:`})`,
    ),
  ) as SQL;
}

/**
 * SQL condition limiting a listing to what `user` may read: nothing for admins, the own
 * organization for producers, the covered regions for regulators, nothing at all otherwise.
 */
export function readScope(
  user: AuthUser,
  organizationColumn: SQLiteColumn,
  regionColumn: SQLiteColumn | SQL,
): SQL | undefined {
  switch (user.role) {
    case "admin":
      return undefined;
    case "producer":
      return user.organizationId ? sql`${organizationColumn} = ${user.organizationId}` : sql`0`;
    case "regulator":
      return regionCondition(user.regionCodes, regionColumn);
    default:
      return sql`0`;
  }
}

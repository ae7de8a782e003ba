// Which rows a signed-in user may read, as SQL conditions for the list and statistics queries.
import { eq, or, type SQL, sql } from "drizzle-orm";
import { regionCondition } from "../../lib/access";
import type { AuthUser } from "../../types";
import { alerts, scans } from "../schema";

/**
 * Regulators see scans made in their regions and scans of labels of producers in their regions:
 * `producersInRegions` is the latter as a condition on the scans table alone (the ids of those
 * producers, read from the registry), so that it holds in every scan database.
 */
export function scanScope(user: AuthUser, producersInRegions: SQL = sql`0`): SQL | undefined {
  switch (user.role) {
    case "admin":
      return undefined;
    case "producer":
      return user.organizationId ? eq(scans.organizationId, user.organizationId) : sql`0`;
    case "consumer":
      // A consumer's own history: the scans made while signed in (e.g. the mini-program).
      return eq(scans.userId, user.id);
    case "regulator":
      return or(regionCondition(user.regionCodes, scans.regionCode), producersInRegions);
    default:
      return sql`0`;
  }
}

/**
 * Alerts `user` may read, as SQL: all for admins, the own organization's for producers (so never
 * forgery probes, which belong to no organization), and for regulators those whose producer
 * region or scan region lies in their regions: a bureau sees copies of its producers' codes
 * found elsewhere and copies of anyone's codes found on its own markets.
 */
export function alertScope(user: AuthUser): SQL | undefined {
  switch (user.role) {
    case "admin":
      return undefined;
    case "producer":
      return user.organizationId ? eq(alerts.organizationId, user.organizationId) : sql`0`;
    case "regulator":
      return or(
        regionCondition(user.regionCodes, alerts.regionCode),
        regionCondition(user.regionCodes, alerts.scanRegionCode),
      );
    default:
      return sql`0`;
  }
}

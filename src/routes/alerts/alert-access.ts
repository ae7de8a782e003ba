import { eq, or, type SQL, sql } from "drizzle-orm";
import type { Context } from "hono";
import { getDb } from "../../db/client";
import { alerts } from "../../db/schema";
import { notFound, regionCondition } from "../../lib/access";
import { regionsCover } from "../../lib/regions";
import type { AppEnv, AuthUser } from "../../types";
import type { AlertRow } from "./alerts.schemas";

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

/** The same rule as alertScope, for one alert already read. */
export function canReadAlert(user: AuthUser, alert: AlertRow): boolean {
  switch (user.role) {
    case "admin":
      return true;
    case "producer":
      return user.organizationId !== null && user.organizationId === alert.organizationId;
    case "regulator":
      return [alert.regionCode, alert.scanRegionCode].some(
        (code) => code !== null && regionsCover(user.regionCodes, code),
      );
    default:
      return false;
  }
}

/** The alert, or 404 when it does not exist or lies outside the caller's reach. */
export async function readableAlert(c: Context<AppEnv>, id: string): Promise<AlertRow> {
  const row = await getDb(c.env.DB).query.alerts.findFirst({ where: eq(alerts.id, id) });
  if (!row || !canReadAlert(c.get("user"), row)) throw notFound("alert", id);
  return row;
}

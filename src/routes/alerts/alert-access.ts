import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { getDb } from "../../db/client";
import { alerts } from "../../db/schema";
import { notFound } from "../../lib/access";
import { regionsCover } from "../../lib/regions";
import type { AppEnv, AuthUser } from "../../types";
import type { AlertRow } from "./alerts.schemas";

/** The same rule as alertScope (db/queries/scopes.ts), for one alert already read. */
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

// The scans behind an alert (GET /v1/alerts/{id}), from every database that may hold them: a
// producer's alert reads the registry and the producer's province database, a forgery probe the
// registry, where scans of forged codes stay.
import { and, eq, type SQL } from "drizzle-orm";
import { getDb } from "../client";
import type { ScanDatabases } from "../scan-databases";
import { batches } from "../schema";
import { type AlertRow, scansBehind } from "./alert-store";
import { producerScans } from "./scan-list";

export async function alertScans(
  databases: ScanDatabases,
  alert: AlertRow,
  /** What else the caller's view requires of the scans (a foreign bureau's own regions). */
  within: SQL | undefined,
  size: number,
) {
  const registry = getDb(databases.registry);
  const batchIds =
    databases.split && alert.subjectType === "authorization"
      ? (
          await registry
            .select({ id: batches.id })
            .from(batches)
            .where(eq(batches.authorizationId, alert.authorizationId ?? alert.subjectId))
        ).map((b) => b.id)
      : undefined;
  const behind = scansBehind(registry, alert, batchIds);
  if (!behind) return [];
  return producerScans(databases, alert.regionCode, and(behind, within), size);
}

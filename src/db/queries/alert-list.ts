// The alert queue (GET /v1/alerts): newest seen first with a (last_seen_at, id) keyset cursor,
// every scope walked along an index in that order, so a page costs about a page of rows.
import { and, desc, eq, gte, inArray, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { afterCursor } from "../../lib/pagination";
import { regionScopePrefixes } from "../../lib/regions";
import type { AuthUser } from "../../types";
import type { Db } from "../client";
import { type alertSeverities, type alertStatuses, alerts } from "../schema";
import { alertScope } from "./scopes";

export type AlertListFilters = {
  cursor?: string;
  status?: (typeof alertStatuses)[number];
  severity?: (typeof alertSeverities)[number];
  rule?: string;
  since?: string;
  subject_id?: string;
};

/** The column whose value equals a scope prefix of this length: see the alerts indexes. */
const PREFIX_COLUMNS: Record<number, [region: SQLiteColumn, scanRegion: SQLiteColumn]> = {
  2: [alerts.regionPrefix2, alerts.scanRegionPrefix2],
  4: [alerts.regionPrefix4, alerts.scanRegionPrefix4],
  6: [alerts.regionCode, alerts.scanRegionCode],
};

/**
 * A page (`limit` rows) of the alerts `user` may read that match `filters`. A regulator's alerts
 * are those whose producer region or scan region lies in one of its scopes: each (scope, region
 * column) is one ordered index walk of at most `limit` rows, and the page is the newest of those,
 * so the sort at the end is over at most 2 × scopes × `limit` rows, never the region's alerts
 * (an alert found by both of its region columns is one id in the list).
 */
export function alertListQuery(db: Db, user: AuthUser, filters: AlertListFilters, limit: number) {
  const where = (scope: SQL | undefined) =>
    and(
      scope,
      afterCursor(filters.cursor, alerts.lastSeenAt, alerts.id),
      filters.status ? eq(alerts.status, filters.status) : undefined,
      filters.severity ? eq(alerts.severity, filters.severity) : undefined,
      filters.rule ? eq(alerts.rule, filters.rule) : undefined,
      filters.since ? gte(alerts.lastSeenAt, new Date(filters.since).toISOString()) : undefined,
      filters.subject_id ? eq(alerts.subjectId, filters.subject_id) : undefined,
    );
  const newestFirst = [desc(alerts.lastSeenAt), desc(alerts.id)] as const;
  if (user.role !== "regulator") {
    return db
      .select()
      .from(alerts)
      .where(where(alertScope(user)))
      .orderBy(...newestFirst)
      .limit(limit);
  }
  const walks = regionScopePrefixes(user.regionCodes).flatMap((prefix) =>
    (PREFIX_COLUMNS[prefix.length] ?? []).map(
      (column) =>
        sql`SELECT id FROM (${db
          .select({ id: alerts.id })
          .from(alerts)
          .where(where(eq(column, prefix)))
          .orderBy(...newestFirst)
          .limit(limit)})`,
    ),
  );
  return db
    .select()
    .from(alerts)
    .where(walks.length ? inArray(alerts.id, sql`(${sql.join(walks, sql` UNION ALL `)})`) : sql`0`)
    .orderBy(...newestFirst)
    .limit(limit);
}

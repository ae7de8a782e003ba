import { sql } from "drizzle-orm";
import { alerts, reports as r } from "../schema";
import { bare, prepareSql } from "../sql";

export type NewReport = {
  id: string;
  labelCode: string | null;
  description: string;
  lat: number | null;
  lng: number | null;
  regionCode: string | null;
  clientKey: string;
  userId: string | null;
  organizationId: string | null;
  createdAt: string;
};

/** Stores a consumer's report, status new. */
export function insertReport(d1: D1Database, report: NewReport): D1PreparedStatement {
  return prepareSql(
    d1,
    sql`INSERT INTO ${r} (${bare(r.id)}, ${bare(r.labelCode)}, ${bare(r.description)}, ${bare(r.lat)}, ${bare(r.lng)}, ${bare(r.regionCode)}, ${bare(r.clientKey)}, ${bare(r.userId)}, ${bare(r.organizationId)}, ${bare(r.status)}, ${bare(r.createdAt)})
     VALUES (${report.id}, ${report.labelCode}, ${report.description}, ${report.lat}, ${report.lng}, ${report.regionCode}, ${report.clientKey}, ${report.userId}, ${report.organizationId}, 'new', ${report.createdAt})`,
  );
}

/** Attaches report `id` to the newest open alert of `subject` under `rule`, if there is one. */
export function attachReportToOpenAlert(
  d1: D1Database,
  id: string,
  subject: { subjectType: string; subjectId: string; rule: string },
): D1PreparedStatement {
  return prepareSql(
    d1,
    sql`UPDATE ${r} SET ${bare(r.alertId)} = (SELECT ${alerts.id} FROM ${alerts} WHERE ${alerts.subjectType} = ${subject.subjectType} AND ${alerts.subjectId} = ${subject.subjectId} AND ${alerts.rule} = ${subject.rule} AND ${alerts.status} NOT IN ('confirmed', 'dismissed') ORDER BY ${alerts.lastSeenAt} DESC LIMIT 1) WHERE ${r.id} = ${id}`,
  );
}

// Alerts raised by the risk rules and by consumers' reports, and the review workflow's writes.
import {
  type AnyColumn,
  and,
  type Column,
  eq,
  gte,
  inArray,
  lte,
  type SQL,
  type SQLChunk,
  sql,
} from "drizzle-orm";
import type { Context } from "hono";
import type { ActionTarget, AlertAction } from "../../lib/alert-lifecycle";
import type { Statement } from "../../lib/d1-group-batch";
import { newId } from "../../lib/ids";
import type { RuleHit } from "../../lib/risk";
import { minutesBefore } from "../../lib/risk/time";
import type { AppEnv } from "../../types";
import { type Db, getDb } from "../client";
import { alertEvents, alerts, authorizations, batches, labels, scans } from "../schema";
import { bare, jsonValues, statementTemplate } from "../sql";
import { auditStatementPerRow, auditStatementWhen } from "./audit";

export type AlertRow = typeof alerts.$inferSelect;

/** A raw guard (`?` placeholders and their parameters) as a drizzle SQL fragment. */
const guard = (condition: { sql: string; params: unknown[] }): SQL =>
  sql.join(
    condition.sql
      .split("?")
      .map((part, i) =>
        i < condition.params.length ? sql`${sql.raw(part)}${condition.params[i]}` : sql.raw(part),
      ),
  );

export type AlertRaise = {
  hit: RuleHit;
  subjectType: "label" | "batch" | "authorization" | "client" | "region";
  subjectId: string;
  labelCode: string | null;
  batchId: string | null;
  authorizationId: string | null;
  organizationId: string | null;
  regionCode: string | null;
  scanRegionCode: string | null;
};

/**
 * Statements that raise an alert or, when an open one exists for the same subject and rule within
 * the cooldown, add to its count and last-seen time. A confirmed or dismissed alert absorbs
 * nothing: the next hit opens a new alert. The alert counters' change comes first. All run in
 * the caller's transaction, so two concurrent scans cannot open two alerts or count one twice.
 */
export function alertUpsertStatements(
  raise: AlertRaise,
  at: string,
  cooldownStart: string,
): Statement[] {
  const id = newId("alr");
  const values: Record<UpsertValue, unknown> = {
    id,
    rule: raise.hit.rule,
    subjectType: raise.subjectType,
    subjectId: raise.subjectId,
    labelCode: raise.labelCode,
    batchId: raise.batchId,
    authorizationId: raise.authorizationId,
    organizationId: raise.organizationId,
    regionCode: raise.regionCode,
    scanRegionCode: raise.scanRegionCode,
    severity: raise.hit.severity,
    details: JSON.stringify(raise.hit.detail),
    at,
    cooldownStart,
    eventId: newId("ale"),
    note: `raised by rule ${raise.hit.rule}`,
  };
  // alert_counters follow by trigger (migration 0016).
  return [absorbHit(values), openAlert(values), recordOpened(values)];
}

// The upsert's statements, rendered once (the scan path raises alerts on every scan of a
// forgery probe) and filled per alert.
const p = (name: UpsertValue) => sql.placeholder(name);
type UpsertValue =
  | "id"
  | "rule"
  | "subjectType"
  | "subjectId"
  | "labelCode"
  | "batchId"
  | "authorizationId"
  | "organizationId"
  | "regionCode"
  | "scanRegionCode"
  | "severity"
  | "details"
  | "at"
  | "cooldownStart"
  | "eventId"
  | "note";
const a = alerts;
const sameOpenAlert = sql`${a.subjectType} = ${p("subjectType")} AND ${a.subjectId} = ${p("subjectId")} AND ${a.rule} = ${p("rule")} AND ${a.lastSeenAt} >= ${p("cooldownStart")} AND ${a.status} NOT IN ('confirmed', 'dismissed')`;
// min()/max(): queued scans may be written out of order; an alert's first and last sight stay
// its earliest and latest.
const absorbHit = statementTemplate<Record<UpsertValue, unknown>>(
  sql`UPDATE ${a} SET ${bare(a.count)} = ${a.count} + 1, ${bare(a.firstSeenAt)} = min(${a.firstSeenAt}, ${p("at")}),
     ${bare(a.lastSeenAt)} = max(${a.lastSeenAt}, ${p("at")}), ${bare(a.details)} = ${p("details")}, ${bare(a.updatedAt)} = ${p("at")}
     WHERE ${sameOpenAlert}`,
);
const OPENED: [AnyColumn, SQLChunk][] = [
  [a.id, p("id")],
  [a.rule, p("rule")],
  [a.subjectType, p("subjectType")],
  [a.subjectId, p("subjectId")],
  [a.labelCode, p("labelCode")],
  [a.batchId, p("batchId")],
  [a.authorizationId, p("authorizationId")],
  [a.organizationId, p("organizationId")],
  [a.regionCode, p("regionCode")],
  [a.scanRegionCode, p("scanRegionCode")],
  [a.severity, p("severity")],
  [a.status, sql`'new'`],
  [a.count, sql`1`],
  [a.firstSeenAt, p("at")],
  [a.lastSeenAt, p("at")],
  [a.details, p("details")],
  [a.createdAt, p("at")],
  [a.updatedAt, p("at")],
];
const openAlert = statementTemplate<Record<UpsertValue, unknown>>(
  sql`INSERT INTO ${a} (${sql.join(
    OPENED.map(([column]) => bare(column as Column)),
    sql`, `,
  )})
     SELECT ${sql.join(
       OPENED.map(([, value]) => value),
       sql`, `,
     )} WHERE NOT EXISTS (SELECT 1 FROM ${a} WHERE ${sameOpenAlert})`,
);
const e = alertEvents;
const recordOpened = statementTemplate<Record<UpsertValue, unknown>>(
  sql`INSERT INTO ${e} (${bare(e.id)}, ${bare(e.alertId)}, ${bare(e.fromStatus)}, ${bare(e.toStatus)}, ${bare(e.note)}, ${bare(e.actions)}, ${bare(e.actorUserId)}, ${bare(e.at)})
     SELECT ${p("eventId")}, ${p("id")}, NULL, 'new', ${p("note")}, '[]', NULL, ${p("at")}
     WHERE EXISTS (SELECT 1 FROM ${a} WHERE ${a.id} = ${p("id")})`,
);

/**
 * Which scans stand behind an alert. A label or batch alert is about everything that happened
 * to that code or lot; an authorization alert about its batches while the alert was being seen;
 * a forgery probe about the invalid scans of its source or region over the alert's span, which
 * starts a burst window before first_seen_at: the burst that raised it came before.
 */
export function scansBehind(
  db: Db,
  alert: AlertRow,
  /** An authorization's batches read before, for databases that hold no batches. */
  authorizationBatchIds?: readonly string[],
): SQL | undefined {
  const burstMinutes = Number(alert.details?.window_minutes);
  const from =
    minutesBefore(
      alert.firstSeenAt,
      Number.isFinite(burstMinutes) && burstMinutes > 0 ? burstMinutes : 0,
    ) ?? alert.firstSeenAt;
  const span = and(gte(scans.scannedAt, from), lte(scans.scannedAt, alert.lastSeenAt));
  switch (alert.subjectType) {
    case "label":
      return eq(scans.labelCode, alert.labelCode ?? alert.subjectId);
    case "batch":
      return eq(scans.batchId, alert.batchId ?? alert.subjectId);
    case "authorization": {
      if (authorizationBatchIds) {
        return and(inArray(scans.batchId, jsonValues(authorizationBatchIds)), span);
      }
      const batchIds = db
        .select({ id: batches.id })
        .from(batches)
        .where(eq(batches.authorizationId, alert.authorizationId ?? alert.subjectId));
      return and(inArray(scans.batchId, batchIds), span);
    }
    case "client":
      return and(eq(scans.sourceKey, alert.subjectId), eq(scans.verdict, "invalid"), span);
    case "region":
      return and(eq(scans.regionCode, alert.subjectId), eq(scans.verdict, "invalid"), span);
  }
}

/**
 * The statements of one action, each guarded by `applied` (the transition's alert event exists)
 * and by the state of the object read before, with the audit records of what they change.
 */
export async function actionStatements(
  c: Context<AppEnv>,
  target: ActionTarget,
  alert: AlertRow,
  note: string,
  now: string,
  applied: { sql: string; params: unknown[] },
): Promise<D1PreparedStatement[]> {
  const d1 = c.env.DB;
  const db = getDb(d1);
  const user = c.get("user");
  const reason = `alert ${alert.id}: ${note}`.slice(0, 500);
  switch (target.action) {
    case "void_labels": {
      const [column, value] =
        target.scope === "label" ? ["code", target.labelCode] : ["batch_id", target.batchId];
      return [
        d1
          .prepare(
            `UPDATE labels SET status = 'voided', void_reason = ?, voided_at = ?, voided_by = ?
             WHERE ${column} = ? AND status = 'active' AND ${applied.sql}`,
          )
          .bind(reason, now, user.id, value, ...applied.params),
        // One audit row per voided label, so that a batch of thousands of labels stays one statement.
        auditStatementPerRow(
          c,
          {
            action: "label.void",
            targetType: "label",
            targetId: sql`${labels.code}`,
            before: sql`'{"status":"active"}'`,
            after: sql`json_object('status', 'voided', 'reason', ${labels.voidReason}, 'alert_id', ${alert.id})`,
          },
          sql`FROM ${labels} WHERE ${target.scope === "label" ? labels.code : labels.batchId} = ${value}
            AND ${labels.status} = 'voided' AND ${labels.voidedAt} = ${now} AND ${labels.voidedBy} = ${user.id}
            AND ${labels.voidReason} = ${reason} AND ${guard(applied)}`,
        ),
      ];
    }
    case "suspend_authorization": {
      const [current] = await db
        .select({ status: authorizations.status })
        .from(authorizations)
        .where(eq(authorizations.id, target.authorizationId));
      if (current?.status !== "active") return [];
      return [
        d1
          .prepare(
            `UPDATE authorizations SET status = 'suspended', status_reason = ?, status_changed_by = ?, status_changed_at = ?, updated_at = ?
             WHERE id = ? AND status = 'active' AND ${applied.sql}`,
          )
          .bind(reason, user.id, now, now, target.authorizationId, ...applied.params),
        auditStatementWhen(
          c,
          {
            action: "authorization.status.suspended",
            targetType: "authorization",
            targetId: target.authorizationId,
            before: { status: "active" },
            after: { status: "suspended", status_reason: reason, alert_id: alert.id },
          },
          {
            sql: "EXISTS (SELECT 1 FROM authorizations WHERE id = ? AND status = 'suspended' AND status_changed_at = ? AND status_changed_by = ?)",
            params: [target.authorizationId, now, user.id],
          },
        ),
      ];
    }
    case "recall_batch": {
      const [current] = await db
        .select({ status: batches.status })
        .from(batches)
        .where(eq(batches.id, target.batchId));
      if (!current || current.status === "recalled") return [];
      return [
        d1
          .prepare(
            `UPDATE batches SET status = 'recalled', status_reason = ?, recalled_at = ?, updated_at = ?
             WHERE id = ? AND status = ? AND ${applied.sql}`,
          )
          .bind(reason, now, now, target.batchId, current.status, ...applied.params),
        auditStatementWhen(
          c,
          {
            action: "batch.recall",
            targetType: "batch",
            targetId: target.batchId,
            before: { status: current.status },
            after: { status: "recalled", reason, alert_id: alert.id },
          },
          {
            sql: "EXISTS (SELECT 1 FROM batches WHERE id = ? AND status = 'recalled' AND recalled_at = ?)",
            params: [target.batchId, now],
          },
        ),
      ];
    }
  }
}

/**
 * The statements of a status change: the alert event, written only while the alert still has
 * status `from`; the compare-and-set of the alert (second: the caller reads its changes); the
 * alert counters' change; and its audit record, guarded by `applied`.
 */
export function alertTransitionStatements(
  c: Context<AppEnv>,
  change: {
    alert: AlertRow;
    from: AlertRow["status"];
    to: AlertRow["status"];
    note: string;
    actions: readonly AlertAction[];
    now: string;
    eventId: string;
  },
  applied: { sql: string; params: unknown[] },
): D1PreparedStatement[] {
  const { alert, from, to, note, actions, now, eventId } = change;
  const user = c.get("user");
  const d1 = c.env.DB;
  return [
    d1
      .prepare(
        `INSERT INTO alert_events (id, alert_id, from_status, to_status, note, actions, actor_user_id, at)
         SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM alerts WHERE id = ? AND status = ?)`,
      )
      .bind(
        eventId,
        alert.id,
        from,
        to,
        note,
        JSON.stringify(actions),
        user.id,
        now,
        alert.id,
        from,
      ),
    d1
      .prepare("UPDATE alerts SET status = ?, updated_at = ? WHERE id = ? AND status = ?")
      .bind(to, now, alert.id, from),
    auditStatementWhen(
      c,
      {
        action: `alert.status.${to}`,
        targetType: "alert",
        targetId: alert.id,
        before: { status: from },
        after: { status: to, note, actions },
      },
      applied,
    ),
  ];
}

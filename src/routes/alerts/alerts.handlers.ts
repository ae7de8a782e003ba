import { and, asc, desc, eq, gte, inArray, lte, type SQL } from "drizzle-orm";
import type { Context } from "hono";
import { type Db, getDb } from "../../db/client";
import { enqueueRecallNotices } from "../../db/queries/recall-notices";
import { alertEvents, alerts, authorizations, batches, reports, scans } from "../../db/schema";
import { regionCondition } from "../../lib/access";
import {
  type ActionTarget,
  type AlertAction,
  actionTarget,
  canManageAlert,
  canTransitionAlert,
  isFinalAlertStatus,
} from "../../lib/alert-lifecycle";
import { auditEntry, auditStatementWhen } from "../../lib/audit";
import { ApiError } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { afterCursor, toPage } from "../../lib/pagination";
import { minutesBefore } from "../../lib/risk/time";
import type { AppEnv, AppRouteHandler } from "../../types";
import { toReportDto } from "../reports/reports.schemas";
import { toScanDto } from "../scans/scans.schemas";
import { alertScope, readableAlert } from "./alert-access";
import type * as routes from "./alerts.routes";
import {
  type AlertRow,
  scanFeatureCollection,
  toAlertDto,
  toAlertEventDto,
} from "./alerts.schemas";

const MAX_ALERT_SCANS = 500;

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const query = c.req.valid("query");
  const rows = await getDb(c.env.DB)
    .select()
    .from(alerts)
    .where(
      and(
        alertScope(c.get("user")),
        afterCursor(query.cursor, alerts.lastSeenAt, alerts.id),
        query.status ? eq(alerts.status, query.status) : undefined,
        query.severity ? eq(alerts.severity, query.severity) : undefined,
        query.rule ? eq(alerts.rule, query.rule) : undefined,
        query.since ? gte(alerts.lastSeenAt, new Date(query.since).toISOString()) : undefined,
        query.subject_id ? eq(alerts.subjectId, query.subject_id) : undefined,
      ),
    )
    .orderBy(desc(alerts.lastSeenAt), desc(alerts.id))
    .limit(query.limit + 1);
  return c.json(
    toPage(rows, query.limit, (r) => ({ k: r.lastSeenAt, id: r.id }), toAlertDto),
    200,
  );
};

/**
 * Which scans stand behind an alert. A label or batch alert is about everything that happened
 * to that code or lot; an authorization alert about its batches while the alert was being seen;
 * a forgery probe about the invalid scans of its source or region over the alert's span, which
 * starts a burst window before first_seen_at: the burst that raised it came before.
 */
function scansBehind(db: Db, alert: AlertRow): SQL | undefined {
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

export const get: AppRouteHandler<typeof routes.get> = async (c) => {
  const alert = await readableAlert(c, c.req.valid("param").id);
  const user = c.get("user");
  const db = getDb(c.env.DB);
  // A bureau that sees the alert only through scans on its markets sees only those scans.
  const foreign = user.role === "regulator" && !canManageAlert(user, alert);
  const behind = foreign
    ? and(scansBehind(db, alert), regionCondition(user.regionCodes, scans.regionCode))
    : scansBehind(db, alert);
  const [events, scanRows, reportRows] = await db.batch([
    db
      .select()
      .from(alertEvents)
      .where(eq(alertEvents.alertId, alert.id))
      .orderBy(asc(alertEvents.at), asc(alertEvents.id)),
    db
      .select()
      .from(scans)
      .where(behind ?? eq(scans.id, ""))
      .orderBy(desc(scans.scannedAt), desc(scans.id))
      .limit(MAX_ALERT_SCANS),
    db
      .select()
      .from(reports)
      .where(
        and(
          eq(reports.alertId, alert.id),
          foreign ? regionCondition(user.regionCodes, reports.regionCode) : undefined,
        ),
      )
      .orderBy(desc(reports.createdAt), desc(reports.id))
      .limit(MAX_ALERT_SCANS),
  ]);
  return c.json(
    {
      ...toAlertDto(alert),
      events: events.map(toAlertEventDto),
      scans: scanRows.map(toScanDto),
      reports: reportRows.map(toReportDto),
      geojson: scanFeatureCollection(scanRows),
    },
    200,
  );
};

type Effects = { voided_labels: number; authorization_suspended: boolean; batch_recalled: boolean };

/** The targets of the requested actions, or 422 naming those that do not fit the alert. */
function targetsOf(alert: AlertRow, actions: readonly AlertAction[]): ActionTarget[] {
  const targets = actions.map((action) => ({ action, target: actionTarget(action, alert) }));
  const misfits = targets.filter((t) => t.target === null).map((t) => t.action);
  if (misfits.length > 0) {
    throw new ApiError(
      "unprocessable",
      `${misfits.join(", ")} cannot be taken on a ${alert.subjectType} alert (${alert.rule}).`,
      { extra: { actions: misfits } },
    );
  }
  return targets.flatMap((t) => (t.target ? [t.target] : []));
}

/**
 * The statements of one action, each guarded by `applied` (the transition's alert event exists)
 * and by the state of the object read before, with the audit records of what they change.
 */
async function actionStatements(
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
        // One audit row per voided label, written by SQL so that a batch of thousands of labels
        // stays one statement; the id has the shape of newId("aud") (hex is in its alphabet).
        d1
          .prepare(
            `INSERT INTO audit_log (id, actor_user_id, actor_role, action, target_type, target_id, before, after, request_id)
             SELECT 'aud_' || lower(hex(randomblob(8))), ?, ?, 'label.void', 'label', code, '{"status":"active"}',
                    json_object('status', 'voided', 'reason', void_reason, 'alert_id', ?), ?
             FROM labels WHERE ${column} = ? AND status = 'voided' AND voided_at = ? AND voided_by = ? AND void_reason = ? AND ${applied.sql}`,
          )
          .bind(
            user.id,
            user.role,
            alert.id,
            c.get("requestId") ?? null,
            value,
            now,
            user.id,
            reason,
            ...applied.params,
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

export const transition: AppRouteHandler<typeof routes.transition> = async (c) => {
  const { to, note, actions = [] } = c.req.valid("json");
  const user = c.get("user");
  const alert = await readableAlert(c, c.req.valid("param").id);
  if (!canManageAlert(user, alert)) {
    throw new ApiError(
      "forbidden",
      "Only an admin or a regulator of the region that owns this alert (the producer's) can move it; add a note instead.",
    );
  }
  const from = alert.status;
  if (!canTransitionAlert(from, to)) {
    throw new ApiError(
      "conflict",
      isFinalAlertStatus(from)
        ? `The alert is ${from}; that decision is final.`
        : `An alert cannot move from ${from} to ${to}.`,
      { extra: { status: from } },
    );
  }
  const targets = targetsOf(alert, actions);

  const now = new Date().toISOString();
  const eventId = newId("ale");
  // The alert event is written first, only while the alert still has the status read above,
  // and every other statement is conditional on that event: the batch is one transaction, so
  // either the compare-and-set below and everything else happen, or nothing does. Keying on the
  // event's own id (not on updated_at) also holds when two requests share a millisecond.
  const applied = { sql: "EXISTS (SELECT 1 FROM alert_events WHERE id = ?)", params: [eventId] };
  const d1 = c.env.DB;
  const statements = [
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
  const perAction: { action: AlertAction; from: number; to: number }[] = [];
  for (const target of targets) {
    const more = await actionStatements(c, target, alert, note, now, applied);
    perAction.push({
      action: target.action,
      from: statements.length,
      to: statements.length + more.length,
    });
    statements.push(...more);
  }
  const results = await d1.batch(statements);
  if (results[1]?.meta.changes !== 1) {
    throw new ApiError("conflict", "The alert changed meanwhile; read it again.");
  }
  const changed = (action: AlertAction) => {
    const slot = perAction.find((p) => p.action === action);
    return slot && slot.to > slot.from ? (results[slot.from]?.meta.changes ?? 0) : 0;
  };
  const effects: Effects = {
    voided_labels: changed("void_labels"),
    authorization_suspended: changed("suspend_authorization") > 0,
    batch_recalled: changed("recall_batch") > 0,
  };
  const recall = targets.find((t) => t.action === "recall_batch");
  if (effects.batch_recalled && recall && "batchId" in recall)
    await enqueueRecallNotices(c.env.NOTICE_QUEUE, recall.batchId);
  return c.json({ ...toAlertDto({ ...alert, status: to, updatedAt: now }), effects }, 200);
};

export const addNote: AppRouteHandler<typeof routes.addNote> = async (c) => {
  const { note } = c.req.valid("json");
  const user = c.get("user");
  const alert = await readableAlert(c, c.req.valid("param").id);
  const event = {
    id: newId("ale"),
    alertId: alert.id,
    fromStatus: alert.status,
    toStatus: alert.status,
    note,
    actions: [],
    actorUserId: user.id,
    at: new Date().toISOString(),
  } satisfies typeof alertEvents.$inferInsert;
  const db = getDb(c.env.DB);
  await db.batch([
    db.insert(alertEvents).values(event),
    auditEntry(c, {
      action: "alert.note",
      targetType: "alert",
      targetId: alert.id,
      after: { note, status: alert.status },
    }),
  ]);
  return c.json(toAlertEventDto(event), 201);
};

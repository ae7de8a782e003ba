import { and, asc, desc, eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { alertListQuery } from "../../db/queries/alert-list";
import { alertScans } from "../../db/queries/alert-scans";
import { actionStatements, alertTransitionStatements } from "../../db/queries/alert-store";
import { auditEntry } from "../../db/queries/audit";
import { enqueueRecallNotices } from "../../db/queries/recall-notices";
import { scanDatabases } from "../../db/scan-databases";
import { alertEvents, reports, scans } from "../../db/schema";
import { rowExists } from "../../db/sql";
import { regionCondition } from "../../lib/access";
import {
  type ActionTarget,
  type AlertAction,
  actionTarget,
  canManageAlert,
  canTransitionAlert,
  isFinalAlertStatus,
} from "../../lib/alert-lifecycle";
import { ApiError } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { toPage } from "../../lib/pagination";
import { toReportDto } from "../../lib/schemas/report";
import { toScanDto } from "../../lib/schemas/scan";
import type { AppRouteHandler } from "../../types";
import { readableAlert } from "./alert-access";
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
  const rows = await alertListQuery(getDb(c.env.DB), c.get("user"), query, query.limit + 1);
  return c.json(
    toPage(rows, query.limit, (r) => ({ k: r.lastSeenAt, id: r.id }), toAlertDto),
    200,
  );
};

export const get: AppRouteHandler<typeof routes.get> = async (c) => {
  const alert = await readableAlert(c, c.req.valid("param").id);
  const user = c.get("user");
  const db = getDb(c.env.DB);
  // A bureau that sees the alert only through scans on its markets sees only those scans.
  const foreign = user.role === "regulator" && !canManageAlert(user, alert);
  const within = foreign ? regionCondition(user.regionCodes, scans.regionCode) : undefined;
  const [[events, reportRows], scansOfAlert] = await Promise.all([
    db.batch([
      db
        .select()
        .from(alertEvents)
        .where(eq(alertEvents.alertId, alert.id))
        .orderBy(asc(alertEvents.at), asc(alertEvents.id)),
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
    ]),
    alertScans(scanDatabases(c.env), alert, within, MAX_ALERT_SCANS),
  ]);
  return c.json(
    {
      ...toAlertDto(alert),
      events: events.map(toAlertEventDto),
      scans: scansOfAlert.map(toScanDto),
      reports: reportRows.map(toReportDto),
      geojson: scanFeatureCollection(scansOfAlert),
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
  const applied = rowExists(alertEvents.id, eventId);
  const statements = alertTransitionStatements(
    c,
    { alert, from, to, note, actions, now, eventId },
    applied,
  );
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
  const results = await c.env.DB.batch(statements);
  // At least one: D1 counts the rows the alert_counters trigger writes with the update's own.
  if ((results[1]?.meta.changes ?? 0) < 1) {
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

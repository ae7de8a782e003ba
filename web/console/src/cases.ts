// Cases, not rule rows: one case per suspicious subject (a label code, a batch, an
// authorization, a probing source), whatever rules fired on it. Pure, unit-tested in
// test/console/cases.test.ts.
import {
  type AlertAction,
  type AlertStatus,
  actionTarget,
  isFinalAlertStatus,
  nextAlertStatuses,
} from "../../../src/lib/alert-lifecycle";
import type { components } from "../../api/schema";

export type Alert = components["schemas"]["Alert"];
type Severity = Alert["severity"];

export type Case = {
  /** `subject_type:subject_id`, unique per case. */
  key: string;
  subjectType: Alert["subject_type"];
  subjectId: string;
  /** The alert the case page opens: the most severe open one, then the latest seen. */
  leadId: string;
  alerts: Alert[];
  rules: string[];
  severity: Severity;
  /** The least advanced status among its open alerts, or the last status when all are closed. */
  status: AlertStatus;
  open: boolean;
  firstSeenAt: string;
  lastSeenAt: string;
  /** Scans that raised findings: the largest count among its alerts (one scan may fire several rules). */
  flaggedScans: number;
  regions: string[];
};

const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };
const STATUS_RANK: Record<AlertStatus, number> = {
  new: 0,
  acknowledged: 1,
  investigating: 2,
  confirmed: 3,
  dismissed: 3,
};

export const isOpen = (alert: Pick<Alert, "status">) => !isFinalAlertStatus(alert.status);

function lead(alerts: Alert[]): Alert {
  const ranked = [...alerts].sort(
    (a, b) =>
      Number(isOpen(b)) - Number(isOpen(a)) ||
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      b.last_seen_at.localeCompare(a.last_seen_at),
  );
  return ranked[0] as Alert;
}

function toCase(key: string, alerts: Alert[]): Case {
  const first = alerts[0] as Alert;
  const open = alerts.filter(isOpen);
  const scope = open.length > 0 ? open : alerts;
  const status = scope.reduce<AlertStatus>(
    (least, a) => (STATUS_RANK[a.status] < STATUS_RANK[least] ? a.status : least),
    (scope[0] as Alert).status,
  );
  const regions = new Set<string>();
  for (const a of alerts) {
    if (a.region_name) regions.add(a.region_name);
    if (a.scan_region_name) regions.add(a.scan_region_name);
  }
  return {
    key,
    subjectType: first.subject_type,
    subjectId: first.subject_id,
    leadId: lead(alerts).id,
    alerts,
    rules: [...new Set(alerts.map((a) => a.rule))].sort(),
    severity: scope.reduce<Severity>(
      (top, a) => (SEVERITY_RANK[a.severity] > SEVERITY_RANK[top] ? a.severity : top),
      "low",
    ),
    status,
    open: open.length > 0,
    firstSeenAt: alerts.map((a) => a.first_seen_at).sort()[0] as string,
    lastSeenAt: alerts
      .map((a) => a.last_seen_at)
      .sort()
      .at(-1) as string,
    flaggedScans: Math.max(...alerts.map((a) => a.count)),
    regions: [...regions],
  };
}

/** Groups alerts by subject, in the order of their latest alert (the list's order). */
export function groupAlertsIntoCases(alerts: readonly Alert[]): Case[] {
  const groups = new Map<string, Alert[]>();
  for (const alert of alerts) {
    const key = `${alert.subject_type}:${alert.subject_id}`;
    const group = groups.get(key);
    if (group) group.push(alert);
    else groups.set(key, [alert]);
  }
  return [...groups].map(([key, group]) => toCase(key, group));
}

export type CaseSort = "last" | "severity" | "scans";

export function sortCases(cases: readonly Case[], by: CaseSort): Case[] {
  const latest = (a: Case, b: Case) => b.lastSeenAt.localeCompare(a.lastSeenAt);
  return [...cases].sort((a, b) => {
    if (by === "severity")
      return SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || latest(a, b);
    if (by === "scans") return b.flaggedScans - a.flaggedScans || latest(a, b);
    return latest(a, b);
  });
}

/** The shortest way through the lifecycle from `from` to `to`, or null when there is none. */
export function pathTo(from: AlertStatus, to: AlertStatus): AlertStatus[] | null {
  const queue: AlertStatus[][] = [[from]];
  while (queue.length > 0) {
    const path = queue.shift() as AlertStatus[];
    const last = path.at(-1) as AlertStatus;
    if (last === to) return path.slice(1);
    for (const next of nextAlertStatuses(last)) {
      if (!path.includes(next)) queue.push([...path, next]);
    }
  }
  return null;
}

export type Step = { alertId: string; to: AlertStatus; actions: AlertAction[] };

/**
 * The transitions that bring every open alert of a case to `to` (confirming a new alert goes
 * through acknowledged). The enforcement actions go with the first confirming step only, and
 * only those that fit the subject.
 */
export function planCaseTransition(
  alerts: readonly Alert[],
  to: AlertStatus,
  actions: readonly AlertAction[] = [],
): Step[] {
  const steps: Step[] = [];
  let pending = to === "confirmed" ? [...actions] : [];
  for (const alert of alerts.filter(isOpen)) {
    const path = pathTo(alert.status, to);
    if (!path) continue;
    for (const status of path) {
      const fitting =
        status === "confirmed"
          ? pending.filter(
              (action) =>
                actionTarget(action, {
                  subjectType: alert.subject_type,
                  labelCode: alert.label_code,
                  batchId: alert.batch_id,
                  authorizationId: alert.authorization_id,
                }) !== null,
            )
          : [];
      if (fitting.length > 0) pending = pending.filter((a) => !fitting.includes(a));
      steps.push({ alertId: alert.id, to: status, actions: fitting });
    }
  }
  return steps;
}

/** The case-level moves offered from a case's status. */
export function caseMoves(status: AlertStatus): AlertStatus[] {
  if (status === "new") return ["acknowledged", "investigating", "confirmed", "dismissed"];
  return [...nextAlertStatuses(status)];
}

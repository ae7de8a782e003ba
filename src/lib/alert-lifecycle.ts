// The review lifecycle of an alert (DESIGN section 4) and which enforcement actions fit which
// alert: pure, so that the handler only reads, asks and writes.
import type { alertStatuses, alertSubjects } from "../db/schema";
import { regionsCover } from "./regions";

export type AlertStatus = (typeof alertStatuses)[number];
export type AlertSubjectType = (typeof alertSubjects)[number];

/**
 * new → acknowledged → investigating → confirmed | dismissed, with the short cuts a busy bureau
 * takes (straight to investigating, dismissing without investigating, confirming what was only
 * acknowledged). confirmed and dismissed are final: reopening would rewrite a decision that
 * may already have voided labels or suspended an authorization.
 */
const transitions: Readonly<Record<AlertStatus, readonly AlertStatus[]>> = Object.freeze({
  new: ["acknowledged", "investigating", "dismissed"],
  acknowledged: ["investigating", "confirmed", "dismissed"],
  investigating: ["confirmed", "dismissed"],
  confirmed: [],
  dismissed: [],
});

/** The statuses an alert in `from` may move to. */
export function nextAlertStatuses(from: AlertStatus): readonly AlertStatus[] {
  return transitions[from];
}

export function canTransitionAlert(from: AlertStatus, to: AlertStatus): boolean {
  return transitions[from].includes(to);
}

export function isFinalAlertStatus(status: AlertStatus): boolean {
  return transitions[status].length === 0;
}

export const alertActions = ["void_labels", "suspend_authorization", "recall_batch"] as const;
export type AlertAction = (typeof alertActions)[number];

/** What an action acts on, given the alert's subject and the ids it carries. */
export type ActionTarget =
  | { action: "void_labels"; scope: "label"; labelCode: string }
  | { action: "void_labels"; scope: "batch"; batchId: string }
  | { action: "suspend_authorization"; authorizationId: string }
  | { action: "recall_batch"; batchId: string };

export type AlertSubjectIds = {
  subjectType: AlertSubjectType;
  labelCode: string | null;
  batchId: string | null;
  authorizationId: string | null;
};

/**
 * The object `action` would change when the alert is confirmed, or null when it does not apply
 * to the alert's subject. A label alert can void its label, recall its batch and suspend its
 * authorization; a batch alert can void every active label of the batch, recall it and suspend
 * its authorization; an authorization alert can only suspend the authorization (its batch id is
 * merely where the lapse was noticed); a client or region alert (forgery probes, reports of
 * unknown codes) has no producer object to act on.
 */
export function actionTarget(action: AlertAction, alert: AlertSubjectIds): ActionTarget | null {
  const { subjectType, labelCode, batchId, authorizationId } = alert;
  switch (action) {
    case "void_labels":
      if (subjectType === "label" && labelCode) return { action, scope: "label", labelCode };
      if (subjectType === "batch" && batchId) return { action, scope: "batch", batchId };
      return null;
    case "recall_batch":
      return (subjectType === "label" || subjectType === "batch") && batchId
        ? { action, batchId }
        : null;
    case "suspend_authorization":
      return (subjectType === "label" ||
        subjectType === "batch" ||
        subjectType === "authorization") &&
        authorizationId
        ? { action, authorizationId }
        : null;
  }
}

/** The statuses after which an alert absorbs no further hits: a new hit opens a new alert. */
export const closedAlertStatuses = ["confirmed", "dismissed"] as const satisfies AlertStatus[];

export type AlertRegions = { regionCode: string | null; scanRegionCode: string | null };

/**
 * The region whose bureau owns an alert: the producer's, or for an alert without a producer
 * (a forgery probe, a report of an unknown code) the region where the scans happened.
 */
export function owningRegion(alert: AlertRegions): string | null {
  return alert.regionCode ?? alert.scanRegionCode;
}

/**
 * Who may move an alert through its lifecycle and take its actions: admins, and regulators whose
 * regions cover the owning region. A regulator who sees the alert only because scans happened on
 * its markets may add a note, nothing more.
 */
export function canManageAlert(
  user: { role: string; regionCodes: readonly string[] },
  alert: AlertRegions,
): boolean {
  if (user.role === "admin") return true;
  const owner = owningRegion(alert);
  return user.role === "regulator" && owner !== null && regionsCover(user.regionCodes, owner);
}

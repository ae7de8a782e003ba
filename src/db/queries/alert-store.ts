// Alerts raised by the risk rules and by consumers' reports, and the review workflow's writes.
import { type Statement, statement } from "../../lib/d1-group-batch";
import { newId } from "../../lib/ids";
import type { RuleHit } from "../../lib/risk";

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
 * nothing: the next hit opens a new alert. Both run in the caller's transaction, so two
 * concurrent scans cannot open two alerts.
 */
export function alertUpsertStatements(
  raise: AlertRaise,
  at: string,
  cooldownStart: string,
): Statement[] {
  const id = newId("alr");
  const same =
    "subject_type = ? AND subject_id = ? AND rule = ? AND last_seen_at >= ? AND status NOT IN ('confirmed', 'dismissed')";
  const sameParams = [raise.subjectType, raise.subjectId, raise.hit.rule, cooldownStart];
  return [
    statement(
      `UPDATE alerts SET count = count + 1, last_seen_at = ?, details = ?, updated_at = ? WHERE ${same}`,
      at,
      JSON.stringify(raise.hit.detail),
      at,
      ...sameParams,
    ),
    statement(
      `INSERT INTO alerts (id, rule, subject_type, subject_id, label_code, batch_id, authorization_id, organization_id, region_code, scan_region_code, severity, status, count, first_seen_at, last_seen_at, details, created_at, updated_at)
         SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new', 1, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM alerts WHERE ${same})`,
      id,
      raise.hit.rule,
      raise.subjectType,
      raise.subjectId,
      raise.labelCode,
      raise.batchId,
      raise.authorizationId,
      raise.organizationId,
      raise.regionCode,
      raise.scanRegionCode,
      raise.hit.severity,
      at,
      at,
      JSON.stringify(raise.hit.detail),
      at,
      at,
      ...sameParams,
    ),
    statement(
      `INSERT INTO alert_events (id, alert_id, from_status, to_status, note, actions, actor_user_id, at)
         SELECT ?, ?, NULL, 'new', ?, '[]', NULL, ? WHERE EXISTS (SELECT 1 FROM alerts WHERE id = ?)`,
      newId("ale"),
      id,
      `raised by rule ${raise.hit.rule}`,
      at,
      id,
    ),
  ];
}

import type { Context } from "hono";
import { newId } from "../../lib/ids";
import type { AppEnv } from "../../types";
import { getDb } from "../client";
import { auditLog } from "../schema";

export type AuditChange = {
  action: string;
  targetType: string;
  targetId: string;
  before?: unknown;
  after?: unknown;
};

/**
 * The audit record of a state change, as a statement to run in the same db.batch as the change
 * itself, so a change is never stored without its record.
 */
export function auditEntry(c: Context<AppEnv>, change: AuditChange) {
  const user = c.get("user");
  return getDb(c.env.DB)
    .insert(auditLog)
    .values({
      id: newId("aud"),
      actorUserId: user?.id ?? null,
      actorRole: user?.role ?? "anonymous",
      action: change.action,
      targetType: change.targetType,
      targetId: change.targetId,
      before: change.before ?? null,
      after: change.after ?? null,
      requestId: c.get("requestId") ?? null,
    });
}

/**
 * A raw audit statement that only inserts when `condition` (SQL over existing rows) holds, for
 * conditional writes in one D1 batch: the record appears exactly when the change happened.
 */
export function auditStatementWhen(
  c: Context<AppEnv>,
  change: AuditChange,
  condition: { sql: string; params: unknown[] },
): D1PreparedStatement {
  const user = c.get("user");
  return c.env.DB.prepare(
    `INSERT INTO audit_log (id, actor_user_id, actor_role, action, target_type, target_id, before, after, request_id)
     SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE ${condition.sql}`,
  ).bind(
    newId("aud"),
    user?.id ?? null,
    user?.role ?? "anonymous",
    change.action,
    change.targetType,
    change.targetId,
    change.before === undefined ? null : JSON.stringify(change.before),
    change.after === undefined ? null : JSON.stringify(change.after),
    c.get("requestId") ?? null,
    ...condition.params,
  );
}

type CompiledQuery = { toSQL(): { sql: string; params: unknown[] } };

/**
 * Runs a compare-and-set update of one row and its audit record in one transaction, the record
 * written only when the update changed the row (`changes() = 1`), so the loser of a race leaves
 * no record of a change that did not happen. Answers whether the row changed.
 */
export async function updateOneWithAudit(
  c: Context<AppEnv>,
  update: CompiledQuery,
  change: AuditChange,
): Promise<boolean> {
  const query = update.toSQL();
  const [result] = await c.env.DB.batch([
    c.env.DB.prepare(query.sql).bind(...query.params),
    auditStatementWhen(c, change, { sql: "changes() = 1", params: [] }),
  ]);
  return (result?.meta.changes ?? 0) === 1;
}

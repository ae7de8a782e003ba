// The one writer of audit_log. Every record has the same actor and request columns (auditActor)
// and is written in the same transaction as the change it records.
import { getTableColumns, type SQL, sql } from "drizzle-orm";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import type { Context } from "hono";
import type { Statement } from "../../lib/d1-group-batch";
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

type AuditRow = typeof auditLog.$inferInsert;

/** Who made the change and in which request. */
function auditActor(c: Context<AppEnv>): Pick<AuditRow, "actorUserId" | "actorRole" | "requestId"> {
  const user = c.get("user");
  return {
    actorUserId: user?.id ?? null,
    actorRole: user?.role ?? "anonymous",
    requestId: c.get("requestId") ?? null,
  };
}

/** The audit row of `change` made by the caller of `c`. */
export function auditRow(c: Context<AppEnv>, change: AuditChange): AuditRow {
  return {
    id: newId("aud"),
    ...auditActor(c),
    action: change.action,
    targetType: change.targetType,
    targetId: change.targetId,
    before: change.before ?? null,
    after: change.after ?? null,
  };
}

/**
 * The audit record of a state change, as a statement to run in the same db.batch as the change
 * itself, so a change is never stored without its record.
 */
export function auditEntry(c: Context<AppEnv>, change: AuditChange) {
  return getDb(c.env.DB).insert(auditLog).values(auditRow(c, change));
}

const dialect = new SQLiteSyncDialect();
const { at: _at, ...written } = getTableColumns(auditLog);
type WrittenColumn = keyof typeof written;
const writtenColumns = Object.keys(written) as WrittenColumn[];
const INSERT_AUDIT = dialect.sqlToQuery(
  sql`INSERT INTO ${auditLog} (${sql.join(
    writtenColumns.map((key) => sql.identifier(written[key].name)),
    sql`, `,
  )})`,
).sql;

/** A value of the row as D1 stores it: JSON columns as JSON text. */
const stored = (row: AuditRow, key: WrittenColumn) => {
  const value = row[key];
  return (key === "before" || key === "after") && value !== null && value !== undefined
    ? JSON.stringify(value)
    : (value ?? null);
};

/**
 * A raw audit statement that only inserts when `condition` (SQL over existing rows) holds, for
 * conditional writes in one D1 batch: the record appears exactly when the change happened.
 */
export function auditStatementWhen(
  c: Context<AppEnv>,
  change: AuditChange,
  condition: Statement,
): D1PreparedStatement {
  const row = auditRow(c, change);
  return c.env.DB.prepare(
    `${INSERT_AUDIT} SELECT ${writtenColumns.map(() => "?").join(", ")} WHERE ${condition.sql}`,
  ).bind(...writtenColumns.map((key) => stored(row, key)), ...condition.params);
}

/**
 * One audit row per row that `rows` selects, as one statement however many rows it selects (a
 * batch of thousands of labels voided at once). `targetId`, `before` and `after` are SQL over
 * the selected rows; the id has the shape of newId("aud") (hex is in its alphabet).
 */
export function auditStatementPerRow(
  c: Context<AppEnv>,
  change: { action: string; targetType: string; targetId: SQL; before: SQL; after: SQL },
  rows: SQL,
): D1PreparedStatement {
  const actor = auditActor(c);
  const values: Record<WrittenColumn, SQL> = {
    id: sql`'aud_' || lower(hex(randomblob(8)))`,
    actorUserId: sql`${actor.actorUserId}`,
    actorRole: sql`${actor.actorRole}`,
    action: sql`${change.action}`,
    targetType: sql`${change.targetType}`,
    targetId: change.targetId,
    before: change.before,
    after: change.after,
    requestId: sql`${actor.requestId}`,
  };
  const query = dialect.sqlToQuery(
    sql`${sql.raw(INSERT_AUDIT)} SELECT ${sql.join(
      writtenColumns.map((key) => values[key]),
      sql`, `,
    )} ${rows}`,
  );
  return c.env.DB.prepare(query.sql).bind(...query.params);
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

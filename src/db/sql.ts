// Hand-written SQL names its tables and columns through the drizzle schema (`${labels}`,
// `${labels.scanCount}`), so a renamed column breaks the build instead of a statement in
// production. drizzle renders a column table-qualified; `bare` is for the places SQLite wants a
// plain name: the left of SET, an INSERT's column list and an ON CONFLICT target.
import { type AnyColumn, type Column, fillPlaceholders, type SQL, sql } from "drizzle-orm";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import type { Statement } from "../lib/d1-group-batch";

const dialect = new SQLiteSyncDialect();

/** `column` by its own name, without its table. */
export const bare = (column: Column) => sql.identifier(column.name);

/** The SQL text and parameters of `query`, as plain data (for `groupBatch`, audit conditions). */
export function toStatement(query: SQL): Statement {
  const { sql: text, params } = dialect.sqlToQuery(query);
  return { sql: text, params };
}

/** `query` prepared and bound on `d1`. */
export function prepareSql(d1: D1Database, query: SQL): D1PreparedStatement {
  const { sql: text, params } = toStatement(query);
  return d1.prepare(text).bind(...params);
}

/** The condition "a row of `column`'s table has `column` = `value`", as plain data. */
export const rowExists = (column: AnyColumn, value: unknown): Statement =>
  toStatement(sql`EXISTS (SELECT 1 FROM ${column.table} WHERE ${column} = ${value})`);

/**
 * A statement rendered once, filled per call: `query` names each value with
 * `sql.placeholder(name)`. For the scan path, where rendering drizzle SQL on every scan costs
 * more CPU (≈ 0.3 ms a scan) than everything else the request does with its statements.
 */
export function statementTemplate<V extends Record<string, unknown>>(
  query: SQL,
): (values: V) => Statement {
  const { sql: text, params } = dialect.sqlToQuery(query);
  return (values) => ({ sql: text, params: fillPlaceholders(params, values) });
}

/** `(SELECT value FROM json_each(?))` over `values`: one bound parameter however many (D1 allows 100). */
export const jsonValues = (values: readonly string[]) =>
  sql`(SELECT value FROM json_each(${JSON.stringify(values)}))`;

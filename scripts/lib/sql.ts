// Tiny helpers to write SQL files for `wrangler d1 execute --file` from Node scripts.
export type SqlValue = string | number | boolean | null | undefined | object;

export function sqlLiteral(value: SqlValue): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "NULL";
  if (typeof value === "boolean") return value ? "1" : "0";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return `'${text.replaceAll("'", "''")}'`;
}

/** `INSERT OR IGNORE`, so running a seed twice changes nothing. */
export function insertOrIgnore(table: string, row: Record<string, SqlValue>): string {
  const columns = Object.keys(row);
  const values = columns.map((column) => sqlLiteral(row[column]));
  return `INSERT OR IGNORE INTO ${table} (${columns.join(", ")}) VALUES (${values.join(", ")});`;
}

import { env } from "cloudflare:workers";

/** SQLite's plan of a drizzle query (anything with toSQL()), one line per step. */
export async function queryPlan(
  query: { toSQL(): { sql: string; params: unknown[] } },
  d1: D1Database = env.DB,
) {
  const { sql, params } = query.toSQL();
  const rows = await d1
    .prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...params)
    .all<{ detail: string }>();
  return rows.results.map((r) => r.detail).join("\n");
}

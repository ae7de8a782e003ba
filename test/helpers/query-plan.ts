import { env } from "cloudflare:workers";

/** SQLite's plan of a drizzle query (anything with toSQL()), one line per step. */
export async function queryPlan(query: { toSQL(): { sql: string; params: unknown[] } }) {
  const { sql, params } = query.toSQL();
  const rows = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...params)
    .all<{ detail: string }>();
  return rows.results.map((r) => r.detail).join("\n");
}

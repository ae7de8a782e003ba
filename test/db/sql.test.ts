import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { alertEvents, authorizationLabelUsage as usage } from "../../src/db/schema";
import { bare, prepareSql, rowExists, statementTemplate, toStatement } from "../../src/db/sql";

describe("hand SQL through drizzle (src/db/sql.ts)", () => {
  it("names a column bare where SQLite forbids its table, qualified elsewhere", () => {
    const statement = toStatement(
      sql`UPDATE ${usage} SET ${bare(usage.issued)} = ${usage.issued} + ${3} WHERE ${usage.year} = ${2026}`,
    );
    expect(statement).toEqual({
      sql: 'UPDATE "authorization_label_usage" SET "issued" = "authorization_label_usage"."issued" + ? WHERE "authorization_label_usage"."year" = ?',
      params: [3, 2026],
    });
  });

  it("renders a template once and fills each call's values in by name", () => {
    const template = statementTemplate<{ year: number; add: number }>(
      sql`UPDATE ${usage} SET ${bare(usage.issued)} = ${usage.issued} + ${sql.placeholder("add")} WHERE ${usage.year} = ${sql.placeholder("year")} AND ${usage.quota} > ${sql.placeholder("add")}`,
    );
    const filled = template({ year: 2026, add: 3 });
    expect(filled).toEqual(
      toStatement(
        sql`UPDATE ${usage} SET ${bare(usage.issued)} = ${usage.issued} + ${3} WHERE ${usage.year} = ${2026} AND ${usage.quota} > ${3}`,
      ),
    );
    expect(template({ year: 2027, add: 5 }).params).toEqual([5, 2027, 5]);
  });

  it("writes the existence condition of one row as plain data", () => {
    expect(rowExists(alertEvents.id, "ale_1")).toEqual({
      sql: 'EXISTS (SELECT 1 FROM "alert_events" WHERE "alert_events"."id" = ?)',
      params: ["ale_1"],
    });
  });

  it("runs an upsert whose SET and conflict target are bare names", async () => {
    const upsert = (quota: number) =>
      prepareSql(
        env.DB,
        sql`INSERT INTO ${usage} (${bare(usage.authorizationId)}, ${bare(usage.year)}, ${bare(usage.issued)}, ${bare(usage.quota)}) VALUES (${"auth_sql"}, ${2026}, 0, ${quota}) ON CONFLICT (${bare(usage.authorizationId)}, ${bare(usage.year)}) DO UPDATE SET ${bare(usage.quota)} = ${quota}`,
      );
    // No such authorization: the foreign key is checked at commit, after the row is gone again.
    const [, , , read] = await env.DB.batch([
      env.DB.prepare("PRAGMA defer_foreign_keys = ON"),
      upsert(10),
      upsert(20),
      env.DB.prepare(
        "SELECT quota FROM authorization_label_usage WHERE authorization_id = 'auth_sql'",
      ),
      env.DB.prepare("DELETE FROM authorization_label_usage WHERE authorization_id = 'auth_sql'"),
    ]);
    expect(read?.results).toEqual([{ quota: 20 }]);
  });
});

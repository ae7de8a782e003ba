import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

/** The scans table of a database as SQLite describes it: columns, and indexes with their SQL. */
async function scansTable(d1: D1Database) {
  const columns = await d1.prepare("SELECT * FROM pragma_table_info('scans') ORDER BY cid").all();
  const indexes = await d1
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'scans' AND sql IS NOT NULL ORDER BY name",
    )
    .all();
  return { columns: columns.results, indexes: indexes.results };
}

describe("a province's scan database", () => {
  it("holds the registry's scans table, column for column and index for index", async () => {
    const registry = await scansTable(env.DB);
    const province = await scansTable(env.SCANS_DB_33);
    expect(registry.columns.length).toBeGreaterThan(10);
    expect(province).toEqual(registry);
  });

  it("has no foreign key to the labels, which live in the registry", async () => {
    const keys = (db: D1Database) =>
      db.prepare("SELECT \"table\" FROM pragma_foreign_key_list('scans')").all();
    expect((await keys(env.DB)).results).toEqual([{ table: "labels" }]);
    expect((await keys(env.SCANS_DB_33)).results).toEqual([]);
  });
});

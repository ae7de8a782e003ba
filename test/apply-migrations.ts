import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { rememberRiskSettings } from "../src/db/queries/risk-settings";
import { mergeRiskSettings } from "../src/lib/risk";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

// The files of the worker project share their workerd, and so its D1 (isolate: false in
// vitest.config.ts, which saves a workerd start per file): every file starts from empty tables,
// as it would in a database of its own, and the scan path's cached risk settings are those of
// an empty database (a previous file's change stays in the worker's module otherwise).
const { results: tables } = await env.DB.prepare(
  "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations'",
).all<{ name: string }>();
await env.DB.batch([
  env.DB.prepare("PRAGMA defer_foreign_keys = ON"),
  ...tables.map(({ name }) => env.DB.prepare(`DELETE FROM "${name}"`)),
]);
rememberRiskSettings(mergeRiskSettings(undefined));

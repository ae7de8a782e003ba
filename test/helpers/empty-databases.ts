import { env } from "cloudflare:workers";
import { rememberRiskSettings } from "../../src/db/queries/risk-settings";
import { mergeRiskSettings } from "../../src/lib/risk";

/**
 * Empties every table of the registry and of the province's scan database, and resets the scan
 * path's cached risk settings to those of an empty database.
 */
export async function emptyDatabases() {
  const { results: tables } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations'",
  ).all<{ name: string }>();
  // alert_counters last: deleting the alerts moves them by trigger (migration 0016).
  const names = tables.map(({ name }) => name).filter((name) => name !== "alert_counters");
  await env.DB.batch([
    env.DB.prepare("PRAGMA defer_foreign_keys = ON"),
    ...[...names, "alert_counters"].map((name) => env.DB.prepare(`DELETE FROM "${name}"`)),
  ]);
  await env.SCANS_DB_33.prepare("DELETE FROM scans").run();
  rememberRiskSettings(mergeRiskSettings(undefined));
}

import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { emptyDatabases } from "./helpers/empty-databases";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
await applyD1Migrations(env.SCANS_DB_33, env.TEST_SCAN_MIGRATIONS);

// The files of the worker project share their workerd, and so its D1 (isolate: false in
// vitest.config.ts, which saves a workerd start per file): every file starts from empty tables,
// as it would in a database of its own, and the scan path's cached risk settings are those of
// an empty database (a previous file's change stays in the worker's module otherwise).
await emptyDatabases();

import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { testBindings } from "./test/test-bindings.ts";

// Four projects: "worker" runs inside workerd against real local D1 (nearly everything);
// "node" runs what cannot run in workerd (OpenAPI schema validation with ajv); "console" the
// console's pure modules in Node; "e2e" starts the worker with wrangler dev and drives the
// pages in a headless Chromium; "miniprogram" renders the mini-program's pages with
// miniprogram-simulate under jsdom (and, for the verdict data flow, against the worker under
// wrangler dev).
// Two files at a time in every project (Vitest's default on two cores is one, and a project
// left at one runs its files after all others): a worker-project file waits on its workerd and
// an e2e file on its browser and server most of the time. Projects must agree on it.
const maxWorkers = 2;

export default defineConfig(async () => ({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              // A province's scan database beside the registry, for the tests of split scan
              // storage (they set SCAN_DATABASES=330000=SCANS_DB_33; the rest leave it unset).
              d1Databases: { SCANS_DB_33: "gi-trace-scans-33" },
              bindings: {
                ...(await testBindings()),
                TEST_MIGRATIONS: await readD1Migrations("./migrations"),
                TEST_SCAN_MIGRATIONS: await readD1Migrations("./migrations-scans"),
              },
            },
          }),
        ],
        test: {
          name: "worker",
          maxWorkers,
          // A workerd start and a fresh module graph per file cost more than most files' tests;
          // files share them and get empty tables from the setup file instead.
          isolate: false,
          // Beside another file on a loaded two-core machine, route tests took over the 5 s default.
          testTimeout: 30_000,
          include: ["test/**/*.test.ts"],
          exclude: ["test/node/**", "test/e2e/**", "test/miniprogram/**", "test/console/**"],
          setupFiles: ["./test/apply-migrations.ts"],
        },
      },
      {
        test: {
          name: "node",
          maxWorkers,
          environment: "node",
          include: ["test/node/**/*.test.ts"],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: "console",
          maxWorkers,
          environment: "node",
          include: ["test/console/**/*.test.ts"],
        },
      },
      {
        test: {
          name: "e2e",
          maxWorkers,
          environment: "node",
          include: ["test/e2e/**/*.test.ts"],
          globalSetup: ["./test/e2e/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "miniprogram",
          maxWorkers,
          environment: "jsdom",
          include: ["test/miniprogram/**/*.test.ts"],
          globalSetup: ["./test/e2e/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
}));

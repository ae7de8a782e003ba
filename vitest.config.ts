import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { testBindings } from "./test/test-bindings.ts";

// Four projects: "worker" runs inside workerd against real local D1 (nearly everything);
// "node" runs what cannot run in workerd (OpenAPI schema validation with ajv); "console" the
// console's pure modules in Node; "e2e" starts the worker with wrangler dev and drives the
// pages in a headless Chromium; "miniprogram" renders the mini-program's pages with
// miniprogram-simulate under jsdom (and, for the verdict data flow, against the worker under
// wrangler dev).
export default defineConfig(async () => ({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                ...(await testBindings()),
                TEST_MIGRATIONS: await readD1Migrations("./migrations"),
              },
            },
          }),
        ],
        test: {
          name: "worker",
          include: ["test/**/*.test.ts"],
          exclude: ["test/node/**", "test/e2e/**", "test/miniprogram/**", "test/console/**"],
          setupFiles: ["./test/apply-migrations.ts"],
        },
      },
      {
        test: {
          name: "node",
          environment: "node",
          include: ["test/node/**/*.test.ts"],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: "console",
          environment: "node",
          include: ["test/console/**/*.test.ts"],
        },
      },
      {
        test: {
          name: "e2e",
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

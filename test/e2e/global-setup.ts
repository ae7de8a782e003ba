// Global setup of the e2e and mini-program projects: builds the browser assets once (unless
// `npm test` already did) and starts one `wrangler dev` that every test file of both projects
// shares. Files keep apart by registering their own organizations and accounts
// (test/e2e/fixtures.ts), not by a server of their own.
import { execFileSync } from "node:child_process";
import type { TestProject } from "vitest/node";
import { ADMIN, type LocalServer, startServer } from "./server.ts";

type Shared = { server: Promise<LocalServer>; projects: number };
const KEY = Symbol.for("gi-trace.e2e.shared-server");

export default async function setup(project: TestProject) {
  // Both projects' global setups run in this one Node process: the first starts the server.
  const scope = globalThis as { [KEY]?: Shared };
  let shared = scope[KEY];
  if (!shared) {
    if (process.env.GI_TEST_ASSETS_BUILT !== "1") {
      // As `npm run build` does: vitest sets NODE_ENV=test, which would make Vite build for dev.
      const { NODE_ENV: _, ...env } = process.env;
      execFileSync("node_modules/.bin/tsx", ["scripts/build-web.ts"], { stdio: "inherit", env });
    }
    shared = { server: startServer(ADMIN), projects: 0 };
    scope[KEY] = shared;
  }
  shared.projects += 1;
  const server = await shared.server;
  project.provide("localServer", { base: server.base, admin: ADMIN });
  return async () => {
    if (!shared) return;
    shared.projects -= 1;
    if (shared.projects > 0) return;
    delete scope[KEY];
    await server.stop();
  };
}

// Global setup of the e2e and mini-program projects: builds the browser assets once (unless
// `npm test` already did) and starts one `wrangler dev` that every test file of both projects
// shares. Files keep apart by registering their own organizations and accounts
// (test/e2e/fixtures.ts), not by a server of their own. The server starts in the background, so
// the other projects' files run meanwhile: it writes its address, or why it failed, to a file
// that sharedServer() (test/e2e/fixtures.ts) waits for.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { ADMIN, type LocalServer, startServer } from "./server.ts";

type Shared = { file: string; server: Promise<LocalServer | undefined>; projects: number };
const KEY = Symbol.for("gi-trace.e2e.shared-server");

function start(): Shared {
  if (process.env.GI_TEST_ASSETS_BUILT !== "1") {
    // As `npm run build` does: vitest sets NODE_ENV=test, which would make Vite build for dev.
    const { NODE_ENV: _, ...env } = process.env;
    execFileSync("node_modules/.bin/tsx", ["scripts/build-web.ts"], { stdio: "inherit", env });
  }
  const dir = mkdtempSync(join(tmpdir(), "gi-e2e-shared-"));
  const file = join(dir, "server.json");
  const server = startServer(ADMIN).then(
    (started) => {
      writeFileSync(file, JSON.stringify({ base: started.base }));
      return started;
    },
    (error: unknown) => {
      writeFileSync(file, JSON.stringify({ error: String(error) }));
      return undefined;
    },
  );
  return { file, server, projects: 0 };
}

export default function setup(project: TestProject) {
  // Both projects' global setups run in this one Node process: the first starts the server.
  const scope = globalThis as { [KEY]?: Shared };
  scope[KEY] ??= start();
  const shared = scope[KEY];
  shared.projects += 1;
  project.provide("localServer", { file: shared.file, admin: ADMIN });
  return async () => {
    shared.projects -= 1;
    if (shared.projects > 0) return;
    delete scope[KEY];
    await (await shared.server)?.stop();
    rmSync(join(shared.file, ".."), { recursive: true, force: true });
  };
}

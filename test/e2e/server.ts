// Starts the worker with `wrangler dev` on a free port against a fresh local D1, for browser tests.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { parse } from "smol-toml";
import { insertOrIgnore } from "../../scripts/lib/sql.ts";
import { generateSecrets } from "../../scripts/secrets.ts";
import { newId } from "../../src/lib/ids.ts";
import { hashPassword } from "../../src/lib/password.ts";

const run = promisify(execFile);
const WRANGLER = join(process.cwd(), "node_modules/.bin/wrangler");
const QUIET = {
  ...process.env,
  X_LOCAL_OBSERVABILITY: "false",
  X_LOCAL_EXPLORER: "false",
  WRANGLER_SEND_METRICS: "false",
  CI: "1",
};

/**
 * wrangler.toml without its `[build]` (npm test builds the assets once, before vitest: see
 * build-once.ts) and with absolute paths, written into the server's own directory.
 */
function configWithoutBuild(dir: string): string {
  const config = parse(readFileSync("wrangler.toml", "utf8")) as Record<string, unknown> & {
    assets: { directory: string };
    d1_databases: { migrations_dir: string }[];
  };
  delete config.build;
  config.main = resolve(String(config.main));
  config.assets.directory = resolve(config.assets.directory);
  for (const db of config.d1_databases) db.migrations_dir = resolve(db.migrations_dir);
  const path = join(dir, "wrangler.json");
  writeFileSync(path, JSON.stringify(config));
  return path;
}

export type LocalServer = { base: string; stop: () => Promise<void>; persistDir: string };

/** The administrator of the server that test/e2e/global-setup.ts starts for a run. */
export const ADMIN = { email: "admin@e2e.local", password: "admin-password-1" };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `vars` override wrangler.toml's (e.g. WECHAT_MODE=live against a local fake of WeChat). A free
 * port can be taken by another process before wrangler binds it: then it starts again on another.
 */
export async function startServer(
  admin: { email: string; password: string },
  vars: Record<string, string> = {},
): Promise<LocalServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServerOnce(admin, vars);
    } catch (error) {
      if (attempt === 3 || !/Address already in use/.test(String(error))) throw error;
    }
  }
}

async function startServerOnce(
  admin: { email: string; password: string },
  vars: Record<string, string>,
): Promise<LocalServer> {
  const persistDir = mkdtempSync(join(tmpdir(), "gi-e2e-"));
  const config = configWithoutBuild(persistDir);
  await run(
    WRANGLER,
    ["d1", "migrations", "apply", "DB", "--local", "--config", config, "--persist-to", persistDir],
    { env: QUIET },
  );
  const sqlFile = join(persistDir, "admin.sql");
  writeFileSync(
    sqlFile,
    insertOrIgnore("users", {
      id: newId("usr"),
      email: admin.email,
      password_hash: await hashPassword(admin.password),
      role: "admin",
      display_name: "E2E admin",
      region_codes: [],
    }),
  );
  await run(
    WRANGLER,
    [
      "d1",
      "execute",
      "DB",
      "--local",
      "--config",
      config,
      "--persist-to",
      persistDir,
      "--file",
      sqlFile,
      "--yes",
    ],
    {
      env: QUIET,
    },
  );
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const secrets = await generateSecrets();
  const envFile = join(persistDir, "e2e.vars");
  writeFileSync(
    envFile,
    Object.entries({ ...secrets, PUBLIC_HOST: `127.0.0.1:${port}`, CORS_ORIGINS: base, ...vars })
      .map(([k, v]) => `${k}='${v}'`)
      .join("\n"),
  );
  const child: ChildProcess = spawn(
    WRANGLER,
    [
      "dev",
      "--config",
      config,
      "--port",
      String(port),
      "--ip",
      "127.0.0.1",
      "--log-level",
      "warn",
      "--persist-to",
      persistDir,
      "--env-file",
      envFile,
      "--show-interactive-dev-session=false",
    ],
    { env: QUIET, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  const stop = async () => {
    if (child.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {}
      await new Promise((r) => setTimeout(r, 300));
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
    }
    rmSync(persistDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      rmSync(persistDir, { recursive: true, force: true });
      throw new Error(`wrangler dev exited: ${output}`);
    }
    try {
      const res = await fetch(`${base}/readyz`);
      if (res.ok) return { base, stop, persistDir };
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`wrangler dev did not become ready: ${output}`);
}

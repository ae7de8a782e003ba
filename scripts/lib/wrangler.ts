import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";

export const QUIET_ENV = {
  ...process.env,
  X_LOCAL_OBSERVABILITY: "false",
  X_LOCAL_EXPLORER: "false",
  WRANGLER_SEND_METRICS: "false",
};

export function wrangler(args: string[]): void {
  execFileSync("npx", ["wrangler", ...args], { stdio: "inherit", env: QUIET_ENV });
}

/** Runs SQL statements against the D1 database DB, local unless `remote` is set. */
export function executeSql(name: string, statements: string[], remote = false): void {
  mkdirSync(".wrangler/sql", { recursive: true });
  const file = `.wrangler/sql/${name}.sql`;
  writeFileSync(file, `${statements.join("\n")}\n`);
  wrangler(["d1", "execute", "DB", remote ? "--remote" : "--local", "--file", file, "--yes"]);
}

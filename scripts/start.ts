// `npm start`: .dev.vars with fresh secrets if missing, local migrations, demo seed, wrangler dev.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { QUIET_ENV, wrangler } from "./lib/wrangler.ts";
import { generateSecrets } from "./secrets.ts";

if (!existsSync(".dev.vars")) {
  const secrets = await generateSecrets();
  const lines = Object.entries(secrets).map(([name, value]) => `${name}='${value}'`);
  writeFileSync(
    ".dev.vars",
    `# Written by npm start; local only, never commit.\n${lines.join("\n")}\n`,
    {
      mode: 0o600,
    },
  );
  console.log("start: wrote .dev.vars with fresh random secrets");
}

wrangler(["d1", "migrations", "apply", "DB", "--local"]);
execFileSync("npx", ["tsx", "scripts/seed.ts"], { stdio: "inherit" });

const port = process.env.PORT ?? "8787";
const dev = spawn(
  "npx",
  ["wrangler", "dev", "--port", port, "--ip", "127.0.0.1", "--log-level", "warn"],
  { stdio: "inherit", env: QUIET_ENV },
);
console.log(`start: serving on http://localhost:${port}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => dev.kill(signal));
}
dev.on("exit", (code) => process.exit(code ?? 0));

// Proves that src/db/schema.ts and migrations/ agree: `drizzle-kit generate` run against a copy
// of the committed migrations must produce nothing new. Part of `npm test`.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";

function driftIn(copy: string): string | null {
  cpSync("migrations", copy, { recursive: true });
  const before = readdirSync(copy);
  const output = execFileSync("npx", ["drizzle-kit", "generate", "--name", "drift_check"], {
    env: { ...process.env, DRIZZLE_OUT: copy },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const added = readdirSync(copy).filter((file) => !before.includes(file));
  if (added.length > 0) {
    return `drizzle-kit would add ${added.join(", ")}. Run \`npm run db:generate -- --name <change>\` and commit it.`;
  }
  // drizzle-kit exits 0 even when it fails to read the folder: insist on its all-clear.
  if (!output.includes("No schema changes")) return `drizzle-kit did not confirm:\n${output}`;
  return null;
}

// drizzle-kit only accepts an output folder relative to the project.
mkdirSync("node_modules/.cache", { recursive: true });
const copy = mkdtempSync("node_modules/.cache/migrations-check-");
try {
  const drift = driftIn(copy);
  if (drift) {
    console.error(`Schema and migrations disagree: ${drift}`);
    process.exitCode = 1;
  } else {
    console.log("migrations: schema and migrations agree");
  }
} finally {
  rmSync(copy, { recursive: true, force: true });
}

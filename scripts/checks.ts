// The static checks of `npm test` and the build its browser tests need, run side by side as
// many at a time as the machine has cores (each is mostly one busy thread), the longest first.
// Each check's output is printed whole when it ends; exits 1 when any failed, after all ended.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

const scripts = JSON.parse(readFileSync("package.json", "utf8")).scripts as Record<string, string>;
// The typecheck script's programs one by one, the two largest (the worker's and the console's)
// first, so that no long one starts last.
const largest = (command: string) =>
  command === "tsc --noEmit" ? 0 : command.startsWith("vue-tsc") ? 1 : 2;
const typechecks = (scripts.typecheck ?? "").split(" && ").sort((a, b) => largest(a) - largest(b));
const CHECKS = [
  ...typechecks,
  scripts.build,
  "tsx scripts/openapi-types.ts --check",
  scripts["lint:openapi"],
  scripts.lint,
  scripts["check:migrations"],
  "tsx scripts/build-miniprogram.ts --check",
].filter((command): command is string => Boolean(command));

function run(command: string): Promise<boolean> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, { shell: true, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.on("close", (code) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.log(`${code === 0 ? "ok  " : "FAIL"} ${command} (${seconds} s)`);
      if (code !== 0 || output.trim()) console.log(output.trimEnd());
      resolve(code === 0);
    });
  });
}

const queue = [...CHECKS];
let failed = 0;
await Promise.all(
  Array.from({ length: Math.max(1, availableParallelism()) }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      if (!(await run(next))) failed += 1;
    }
  }),
);
if (failed > 0) {
  console.error(`${failed} check(s) failed`);
  process.exit(1);
}

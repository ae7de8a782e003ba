// Seeds the LOCAL D1 with demo data (DESIGN section 10). Idempotent: INSERT OR IGNORE on fixed ids.
// Refuses to touch a remote database: demo accounts with a published password must never
// reach production.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mintLabelCodes, parseLabelKeys } from "../src/lib/label-code.ts";
import { shortLabelUrl } from "../src/lib/label-url.ts";
import { hashPassword } from "../src/lib/password.ts";
import {
  DEMO_LABEL_COUNT,
  DEMO_PASSWORD,
  demoAuthorization,
  demoBatch,
  demoGiProducts,
  demoOrganization,
  demoSite,
  demoTraceEvents,
  demoUsers,
} from "./demo-data.ts";
import { insertOrIgnore, sqlLiteral } from "./lib/sql.ts";
import { executeSql, QUIET_ENV } from "./lib/wrangler.ts";

/** Values of .dev.vars (KEY='value' lines), where the label keys of the local worker live. */
function devVars(): Record<string, string> {
  const text = readFileSync(".dev.vars", "utf8");
  return Object.fromEntries(
    [...text.matchAll(/^([A-Z_]+)='(.*)'$/gm)].map((m) => [m[1] as string, m[2] as string]),
  );
}

if (process.argv.includes("--remote") || process.env.CLOUDFLARE_ENV === "production") {
  console.error("seed: refusing to seed a remote database with demo accounts.");
  process.exit(1);
}

const statements: string[] = [];
for (const product of demoGiProducts) statements.push(insertOrIgnore("gi_products", product));
statements.push(insertOrIgnore("organizations", demoOrganization));
statements.push(insertOrIgnore("sites", demoSite));
statements.push(insertOrIgnore("authorizations", demoAuthorization));
for (const user of demoUsers) {
  statements.push(
    insertOrIgnore("users", { ...user, password_hash: await hashPassword(DEMO_PASSWORD) }),
  );
}

statements.push(insertOrIgnore("batches", demoBatch));
for (const event of demoTraceEvents) statements.push(insertOrIgnore("trace_events", event));
// Labels under the local label key; only when the demo batch has none, so reseeding adds nothing.
const vars = devVars();
const codes = await mintLabelCodes(
  parseLabelKeys(vars.LABEL_HMAC_KEYS ?? ""),
  vars.LABEL_HMAC_CURRENT_KID ?? "",
  DEMO_LABEL_COUNT,
);
statements.push(
  `INSERT INTO labels (code, batch_id, key_id) SELECT value, ${sqlLiteral(demoBatch.id)}, ${sqlLiteral(vars.LABEL_HMAC_CURRENT_KID)} FROM json_each(${sqlLiteral(JSON.stringify(codes))}) WHERE NOT EXISTS (SELECT 1 FROM labels WHERE batch_id = ${sqlLiteral(demoBatch.id)});`,
  `UPDATE batches SET label_count = (SELECT count(*) FROM labels WHERE batch_id = ${sqlLiteral(demoBatch.id)}) WHERE id = ${sqlLiteral(demoBatch.id)};`,
);

executeSql("seed", statements);
const listed = execFileSync(
  "npx",
  [
    "wrangler",
    "d1",
    "execute",
    "DB",
    "--local",
    "--json",
    "--command",
    `SELECT code FROM labels WHERE batch_id = '${demoBatch.id}' ORDER BY code LIMIT 3`,
  ],
  { env: QUIET_ENV, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
);
const demoCodes =
  (JSON.parse(listed) as { results: { code: string }[] }[])[0]?.results.map((r) => r.code) ?? [];
const port = process.env.PORT ?? "8787";
for (const code of demoCodes)
  console.log(
    `seed: demo label ${code} → http://localhost:${port}/v/${code}  (QR: ${shortLabelUrl(`localhost:${port}`, code)})`,
  );
console.log(
  `seed: ${demoGiProducts.length} GI products, 1 organization, ${demoUsers.length} accounts (password ${DEMO_PASSWORD})`,
);

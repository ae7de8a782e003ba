// Seeds the LOCAL D1 with demo data (DESIGN section 10). Idempotent: INSERT OR IGNORE on fixed ids.
// Refuses to touch a remote database: demo accounts with a published password must never
// reach production.
import { hashPassword } from "../src/lib/password.ts";
import {
  DEMO_PASSWORD,
  demoAuthorization,
  demoGiProducts,
  demoOrganization,
  demoSite,
  demoUsers,
} from "./demo-data.ts";
import { insertOrIgnore } from "./lib/sql.ts";
import { executeSql } from "./lib/wrangler.ts";

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

executeSql("seed", statements);
console.log(
  `seed: ${demoGiProducts.length} GI products, 1 organization, ${demoUsers.length} accounts (password ${DEMO_PASSWORD})`,
);

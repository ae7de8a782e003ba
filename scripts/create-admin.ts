// npm run create-admin -- --email <e> --password <p> [--name <display name>] [--remote]
// Adds an admin account to the local D1, or with --remote to the deployed one.
import { parseArgs } from "node:util";
import { newId } from "../src/lib/ids.ts";
import { hashPassword, PASSWORD_MIN_LENGTH } from "../src/lib/password.ts";
import { insertOrIgnore } from "./lib/sql.ts";
import { executeSql } from "./lib/wrangler.ts";

const { values } = parseArgs({
  options: {
    email: { type: "string" },
    password: { type: "string" },
    name: { type: "string", default: "Administrator" },
    remote: { type: "boolean", default: false },
  },
});

const email = values.email?.trim().toLowerCase();
if (!email || !/^[^@\s]+@[^@\s]+$/.test(email)) {
  console.error("create-admin: --email <address> is required");
  process.exit(2);
}
if (!values.password || values.password.length < PASSWORD_MIN_LENGTH) {
  console.error(
    `create-admin: --password of at least ${PASSWORD_MIN_LENGTH} characters is required`,
  );
  process.exit(2);
}

const statement = insertOrIgnore("users", {
  id: newId("usr"),
  email,
  password_hash: await hashPassword(values.password),
  role: "admin",
  display_name: values.name,
  region_codes: [],
});
executeSql("create-admin", [statement], values.remote);
console.log(
  `create-admin: ${email} is an admin in the ${values.remote ? "remote" : "local"} database (an existing account with that email is left unchanged)`,
);

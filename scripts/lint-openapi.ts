// `npm run lint:openapi`: lints the OpenAPI document of the app with Redocly's recommended rules
// (redocly.yaml); any error fails `npm test`.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../src/app.ts";
import { openApiDocument } from "../src/lib/openapi-document.ts";

const dir = mkdtempSync(join(tmpdir(), "gi-trace-openapi-"));
const file = join(dir, "openapi.json");
writeFileSync(file, JSON.stringify(createApp().getOpenAPI31Document(openApiDocument), null, 2));
const result = spawnSync(
  "redocly",
  ["lint", file, "--config", "redocly.yaml", "--format", "stylish"],
  {
    stdio: "inherit",
    env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
  },
);
rmSync(dir, { recursive: true, force: true });
process.exit(result.status ?? 1);

// Copies the API reference's browser bundle from the npm package into the static assets, so
// that /docs loads it from this origin (never a CDN). Part of npm run build.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export function copyDocsAssets() {
  // The package's "browser" entry; its exports map does not expose the file by path.
  const source = join(root, "node_modules/@scalar/api-reference/dist/browser/standalone.js");
  const target = join(root, "public/assets/scalar/standalone.js");
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(source, target);
  return target;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) copyDocsAssets();

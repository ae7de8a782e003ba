// `npm run build`: the browser code, bundled into the static assets (git-ignored output).
// The verify page is bundled by esbuild from web/verify/ with the shared domain dictionary.
import { copyFileSync, mkdirSync } from "node:fs";
import { build } from "esbuild";
import { copyDocsAssets } from "./copy-docs-assets.ts";

mkdirSync("public/assets", { recursive: true });
await build({
  entryPoints: ["web/verify/verify.ts"],
  outfile: "public/assets/verify.js",
  bundle: true,
  format: "esm",
  target: "es2020",
  minify: true,
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "warning",
});
copyFileSync("web/verify/verify.css", "public/assets/verify.css");
// The API reference's browser bundle, served from this origin for /docs (never a CDN).
copyDocsAssets();
console.log("build: public/assets/verify.js, verify.css");

// The console (Vue + TDesign) is built by Vite from web/console/ into public/console/.
const { build: vite } = await import("vite");
await vite({ configFile: "web/console/vite.config.ts" });
const { signInFirstLoad } = await import("./console-size.ts");
const size = signInFirstLoad().gzipBytes / 1024;
console.log(`build: public/console/ (sign-in route first load ${size.toFixed(1)} KB gzip)`);

// The compressed size of what a browser loads for the console's sign-in route: index.html, the
// entry chunk and the sign-in page with everything they import statically, and their CSS
// (from Vite's build manifest). Printed by `npm run build`; the README states the figure.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

type Chunk = { file: string; imports?: string[]; css?: string[]; isEntry?: boolean };

export function signInFirstLoad(dir = "public/console"): { files: string[]; gzipBytes: number } {
  const manifest = JSON.parse(readFileSync(`${dir}/.vite/manifest.json`, "utf8")) as Record<
    string,
    Chunk
  >;
  const files = new Set<string>(["index.html"]);
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const css of chunk.css ?? []) files.add(css);
    for (const next of chunk.imports ?? []) visit(next);
  };
  for (const [key, chunk] of Object.entries(manifest)) {
    if (chunk.isEntry || key.endsWith("pages/SignIn.vue")) visit(key);
  }
  const gzipBytes = [...files].reduce(
    (sum, file) => sum + gzipSync(readFileSync(`${dir}/${file}`), { level: 9 }).length,
    0,
  );
  return { files: [...files], gzipBytes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { files, gzipBytes } = signInFirstLoad();
  console.log(
    `console sign-in first load: ${(gzipBytes / 1024).toFixed(1)} KB gzip, ${files.length} files`,
  );
  for (const file of files) console.log(`  ${file}`);
}

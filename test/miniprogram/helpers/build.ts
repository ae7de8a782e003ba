// The mini-program as DevTools would run it: every .ts compiled to CommonJS (as the DevTools
// TypeScript plugin does), beside the wxml, wxss and json, in a temporary copy that
// miniprogram-simulate loads with Node's require.
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";

const SOURCE = join(process.cwd(), "miniprogram");
let built: string | null = null;

function compileTree(dir: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== "miniprogram_npm") compileTree(path);
    } else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) {
      // TypeScript's own transpiler: esbuild refuses to run under jsdom's TextEncoder.
      const { outputText } = ts.transpileModule(readFileSync(path, "utf8"), {
        compilerOptions: {
          module: ts.ModuleKind.CommonJS,
          target: ts.ScriptTarget.ES2020,
          verbatimModuleSyntax: false,
        },
        fileName: path,
      });
      writeFileSync(path.replace(/\.ts$/, ".js"), outputText);
    }
  }
}

/** The compiled copy's root (built once per test file). */
export function builtMiniprogram(): string {
  if (built) return built;
  const root = mkdtempSync(join(tmpdir(), "gi-mp-"));
  cpSync(SOURCE, root, {
    recursive: true,
    filter: (src) => !src.includes("miniprogram_npm"),
  });
  compileTree(root);
  built = root;
  return root;
}

/** require() of a compiled module of the copy, e.g. `lib/launch`. */
export function mpModule<T>(path: string): T {
  return createRequire(import.meta.url)(join(builtMiniprogram(), path)) as T;
}

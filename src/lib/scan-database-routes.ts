// Which D1 database holds the scans of which producers (SCAN_DATABASES). A scan of a label is
// stored in the database of its producer's province when one is listed, else in the registry
// (`DB`); scans of forged codes have no producer and stay in the registry, beside the burst rule
// that counts them (docs/scale.md "Beyond one database").
import { isRegionCode, provinceOf, regionLevel } from "./regions";

/** Province code (GB/T 2260, "330000") → the binding name of its scan database. */
export type ScanDatabaseRoutes = ReadonlyMap<string, string>;

/** The key of the registry database among the scan databases: where a scan has no route. */
export const REGISTRY_DATABASE = "DB";

const BINDING = /^[A-Z][A-Z0-9_]{0,62}$/;

export type ParsedScanDatabaseRoutes =
  | { ok: true; routes: ScanDatabaseRoutes }
  | { ok: false; problems: string[] };

/**
 * Reads SCAN_DATABASES: comma-separated `<province code>=<D1 binding>` pairs, e.g.
 * "330000=SCANS_DB_33, 510000=SCANS_DB_51". Empty or unset: every scan in the registry.
 */
export function parseScanDatabaseRoutes(value: string | undefined): ParsedScanDatabaseRoutes {
  const routes = new Map<string, string>();
  const problems: string[] = [];
  const bindings = new Set<string>();
  for (const entry of (value ?? "").split(",").map((part) => part.trim())) {
    if (entry === "") continue;
    const [province = "", binding = "", ...rest] = entry.split("=").map((part) => part.trim());
    if (rest.length > 0 || !isRegionCode(province) || regionLevel(province) !== "province") {
      problems.push(
        `SCAN_DATABASES entry "${entry}" must be <province code>=<binding>, e.g. 330000=SCANS_DB_33.`,
      );
    } else if (!BINDING.test(binding) || binding === REGISTRY_DATABASE) {
      problems.push(
        `SCAN_DATABASES entry "${entry}" names no usable binding (upper case, not ${REGISTRY_DATABASE}).`,
      );
    } else if (routes.has(province)) {
      problems.push(`SCAN_DATABASES lists province ${province} twice.`);
    } else if (bindings.has(binding)) {
      problems.push(`SCAN_DATABASES gives binding ${binding} to two provinces.`);
    } else {
      routes.set(province, binding);
      bindings.add(binding);
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, routes };
}

/** The key of the database that holds scans of a producer in `producerRegionCode`. */
export function scanDatabaseOf(
  routes: ScanDatabaseRoutes,
  producerRegionCode: string | null | undefined,
): string {
  const province = producerRegionCode ? provinceOf(producerRegionCode) : null;
  return (province && routes.get(province)) ?? REGISTRY_DATABASE;
}

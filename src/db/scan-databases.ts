// The databases scans are stored in: the registry (`DB`) and, when SCAN_DATABASES lists them, one
// per province (src/lib/scan-database-routes.ts). Everything but the scan rows stays in the
// registry: labels, counters, alerts, the ledger of routed scans.
import {
  parseScanDatabaseRoutes,
  REGISTRY_DATABASE,
  type ScanDatabaseRoutes,
  scanDatabaseOf,
} from "../lib/scan-database-routes";
import type { Bindings } from "../types";

export type ScanDatabase = { key: string; d1: D1Database };

export type ScanDatabases = {
  registry: D1Database;
  /** Whether any province has a database of its own (then scans are spread over `all`). */
  split: boolean;
  /** The database of the scans of a producer in `producerRegionCode`. */
  of(producerRegionCode: string | null | undefined): ScanDatabase;
  byKey(key: string): D1Database;
  /** Every scan database, the registry first. */
  all: ScanDatabase[];
};

type Env = Pick<Bindings, "DB" | "SCAN_DATABASES">;

const routesByValue = new Map<string, ScanDatabaseRoutes>();

/** SCAN_DATABASES read once per value; a broken one throws (production refuses it at startup). */
export function scanDatabaseRoutes(value: string | undefined): ScanDatabaseRoutes {
  const key = value ?? "";
  let routes = routesByValue.get(key);
  if (!routes) {
    const parsed = parseScanDatabaseRoutes(value);
    if (!parsed.ok) throw new Error(parsed.problems.join(" "));
    routes = parsed.routes;
    routesByValue.set(key, routes);
  }
  return routes;
}

/** The bindings SCAN_DATABASES names, as the worker's env holds them. */
export function scanDatabaseBindings(env: Env): Map<string, D1Database> {
  const bindings = new Map<string, D1Database>();
  for (const binding of scanDatabaseRoutes(env.SCAN_DATABASES).values()) {
    const d1 = (env as unknown as Record<string, D1Database | undefined>)[binding];
    if (!d1)
      throw new Error(`SCAN_DATABASES names ${binding}, but no D1 binding of that name exists.`);
    bindings.set(binding, d1);
  }
  return bindings;
}

export function scanDatabases(env: Env): ScanDatabases {
  const routes = scanDatabaseRoutes(env.SCAN_DATABASES);
  if (routes.size === 0) return singleScanDatabase(env.DB);
  const provinces = scanDatabaseBindings(env);
  const byKey = (key: string): D1Database => {
    if (key === REGISTRY_DATABASE) return env.DB;
    const d1 = provinces.get(key);
    if (!d1) throw new Error(`No scan database ${key} is configured (SCAN_DATABASES).`);
    return d1;
  };
  return {
    registry: env.DB,
    split: provinces.size > 0,
    of: (region) => {
      const key = scanDatabaseOf(routes, region);
      return { key, d1: byKey(key) };
    },
    byKey,
    all: [
      { key: REGISTRY_DATABASE, d1: env.DB },
      ...[...provinces].map(([key, d1]) => ({ key, d1 })),
    ],
  };
}

/** The registry alone: every scan in it (SCAN_DATABASES unset). */
export function singleScanDatabase(d1: D1Database): ScanDatabases {
  const registry = { key: REGISTRY_DATABASE, d1 };
  return { registry: d1, split: false, of: () => registry, byKey: () => d1, all: [registry] };
}

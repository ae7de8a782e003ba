import { describe, expect, it } from "vitest";
import {
  parseScanDatabaseRoutes,
  REGISTRY_DATABASE,
  scanDatabaseOf,
} from "../../src/lib/scan-database-routes";

const routesOf = (value: string | undefined) => {
  const parsed = parseScanDatabaseRoutes(value);
  if (!parsed.ok) throw new Error(parsed.problems.join(" "));
  return parsed.routes;
};

describe("SCAN_DATABASES", () => {
  it("is empty when unset or blank: every scan in the registry", () => {
    expect(routesOf(undefined).size).toBe(0);
    expect(routesOf(" , ").size).toBe(0);
    expect(scanDatabaseOf(routesOf(""), "330903")).toBe(REGISTRY_DATABASE);
  });

  it("routes a producer's scans by the province of its region code", () => {
    const routes = routesOf("330000=SCANS_DB_33, 510000 = SCANS_DB_51");
    expect(scanDatabaseOf(routes, "330903")).toBe("SCANS_DB_33");
    expect(scanDatabaseOf(routes, "330000")).toBe("SCANS_DB_33");
    expect(scanDatabaseOf(routes, "510104")).toBe("SCANS_DB_51");
    expect(scanDatabaseOf(routes, "370200")).toBe(REGISTRY_DATABASE);
    expect(scanDatabaseOf(routes, null)).toBe(REGISTRY_DATABASE);
    expect(scanDatabaseOf(routes, "33")).toBe(REGISTRY_DATABASE);
  });

  it.each([
    ["330900=SCANS_DB_33", "province code"],
    ["990000=SCANS_DB_99", "province code"],
    ["330000", "binding"],
    ["330000=SCANS=DB", "province code"],
    ["330000=scans_db", "binding"],
    ["330000=DB", "binding"],
    ["330000=SCANS_DB_33,330000=SCANS_DB_X", "twice"],
    ["330000=SCANS,510000=SCANS", "two provinces"],
  ])("refuses %s", (value, problem) => {
    const parsed = parseScanDatabaseRoutes(value);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? "" : parsed.problems.join(" ")).toContain(problem);
  });
});

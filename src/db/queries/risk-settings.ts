import { eq } from "drizzle-orm";
import { mergeRiskSettings, type RiskSettings } from "../../lib/risk";
import { getDb } from "../client";
import { riskSettings } from "../schema";

// The scan path reads settings on every scan; they change rarely, so each isolate keeps them
// for up to 30 s (other isolates see an admin's change within that time).
const CACHE_TTL_MS = 30_000;
let cached: { settings: RiskSettings; loadedAt: number } | null = null;

export async function loadRiskSettings(d1: D1Database, fresh = false): Promise<RiskSettings> {
  if (!fresh && cached && Date.now() - cached.loadedAt < CACHE_TTL_MS) return cached.settings;
  const row = await getDb(d1).query.riskSettings.findFirst({
    where: eq(riskSettings.key, "current"),
  });
  const settings = mergeRiskSettings(row?.settings);
  cached = { settings, loadedAt: Date.now() };
  return settings;
}

export function rememberRiskSettings(settings: RiskSettings) {
  cached = { settings, loadedAt: Date.now() };
}

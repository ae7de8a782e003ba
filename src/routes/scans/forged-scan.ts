import type { Context } from "hono";
import { recentInvalidScans, type ScanRecord, storeInvalidScan } from "../../db/queries/scan-store";
import { waitUntilOf } from "../../lib/background";
import { languageOf } from "../../lib/language";
import { forgedCodeWindowStart, type RiskSettings, verdictMessage } from "../../lib/risk";
import { cooldownStart, forgedCodeRaises } from "../../lib/risk/alert-raise";
import { afterRateLimit, type RateLimitCheck } from "../../middleware/rate-limit";
import type { AppEnv } from "../../types";
import { scanQueue } from "./scan-queue";

/** Counts invalid scans in the window from this source and this region, for the burst rule. */
function recentInvalid(
  c: Context<AppEnv>,
  scan: ScanRecord,
  settings: RiskSettings,
  checkRateLimit: RateLimitCheck,
) {
  const since = forgedCodeWindowStart(scan.at, settings.forged_code) ?? scan.at;
  return afterRateLimit(
    settings.forged_code.enabled
      ? recentInvalidScans(
          c.env.DB,
          scan.sourceKey,
          scan.regionCode,
          since,
          // Counted up to ten times the threshold: enough for the rule and for the alert's
          // detail to show the scale of a probe ("at least"), bounded work on every scan.
          settings.forged_code.burst_count * 10,
          waitUntilOf(c),
        )
      : Promise.resolve({ client: 0, region: 0 }),
    checkRateLimit,
  );
}

/**
 * A code whose tag does not verify, or that names no label: stored as an invalid scan, counted
 * for the forgery-probe rule (per source and per region), answered as invalid. In queue mode
 * the consumer counts and stores it; the answer waits for no D1 round trip.
 */
export async function storeForgedScan(
  c: Context<AppEnv>,
  base: Omit<ScanRecord, "verdict" | "reasons">,
  settings: RiskSettings,
  checkRateLimit: RateLimitCheck,
) {
  const scan: ScanRecord = { ...base, verdict: "invalid", reasons: ["forged_code"] };
  const cooldown = cooldownStart(base.at, settings);
  const queue = scanQueue(c.env);
  if (queue) {
    await checkRateLimit();
    await queue.send({
      kind: "forged",
      scan,
      forgedCode: settings.forged_code,
      cooldownStart: cooldown,
    });
  } else {
    const counts = await recentInvalid(c, scan, settings, checkRateLimit);
    const raises = forgedCodeRaises(scan, counts, settings.forged_code);
    await storeInvalidScan(c.env.DB, scan, raises, cooldown, waitUntilOf(c));
  }
  return {
    verdict: "invalid" as const,
    reasons: ["forged_code"],
    message: verdictMessage("invalid", languageOf(c.req.header("Accept-Language")), {
      count: 0,
      firstAt: null,
      firstRegionName: null,
    }),
  };
}

import type { Context } from "hono";
import { alertUpsertStatements } from "../../db/queries/alert-store";
import { recentInvalidScans, type ScanRecord, storeInvalidScan } from "../../db/queries/scan-store";
import { waitUntilOf } from "../../lib/background";
import { languageOf } from "../../lib/language";
import {
  forgedCodeBurst,
  forgedCodeWindowStart,
  type RiskSettings,
  verdictMessage,
} from "../../lib/risk";
import { cooldownStart } from "../../lib/risk/alert-raise";
import { afterRateLimit, type RateLimitCheck } from "../../middleware/rate-limit";
import type { AppEnv } from "../../types";

/**
 * A code whose tag does not verify, or that names no label: stored as an invalid scan, counted
 * for the forgery-probe rule (per source and per region), answered as invalid.
 */
export async function storeForgedScan(
  c: Context<AppEnv>,
  base: Omit<ScanRecord, "verdict" | "reasons">,
  settings: RiskSettings,
  checkRateLimit: RateLimitCheck,
) {
  const since = forgedCodeWindowStart(base.at, settings.forged_code) ?? base.at;
  const counts = await afterRateLimit(
    settings.forged_code.enabled
      ? recentInvalidScans(
          c.env.DB,
          base.sourceKey,
          base.regionCode,
          since,
          // Counted up to ten times the threshold: enough for the rule and for the alert's
          // detail to show the scale of a probe ("at least"), bounded work on every scan.
          settings.forged_code.burst_count * 10,
          waitUntilOf(c),
        )
      : Promise.resolve({ client: 0, region: 0 }),
    checkRateLimit,
  );
  const cooldown = cooldownStart(base.at, settings);
  const alerts = [
    base.sourceKey
      ? {
          hit: forgedCodeBurst(counts.client + 1, settings.forged_code, "client"),
          subjectType: "client" as const,
          subjectId: base.sourceKey,
        }
      : null,
    base.regionCode
      ? {
          hit: forgedCodeBurst(counts.region + 1, settings.forged_code, "region"),
          subjectType: "region" as const,
          subjectId: base.regionCode,
        }
      : null,
  ].flatMap((candidate) =>
    candidate?.hit
      ? alertUpsertStatements(
          {
            hit: candidate.hit,
            subjectType: candidate.subjectType,
            subjectId: candidate.subjectId,
            labelCode: null,
            batchId: null,
            authorizationId: null,
            organizationId: null,
            regionCode: null,
            scanRegionCode: base.regionCode,
          },
          base.at,
          cooldown,
        )
      : [],
  );
  await storeInvalidScan(
    c.env.DB,
    { ...base, verdict: "invalid", reasons: ["forged_code"] },
    alerts,
    waitUntilOf(c),
  );
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

import type { Context } from "hono";
import { loadRiskSettings } from "../../db/queries/risk-settings";
import { clientKeyOf, sourceKeyOf } from "../../lib/client-context";
import { ApiError } from "../../lib/errors";
import type { RiskSettings } from "../../lib/risk";
import { loadActiveUser, optionalClaims } from "../../middleware/auth";
import { type RateLimitCheck, startRateLimit } from "../../middleware/rate-limit";
import type { AppEnv } from "../../types";

export type ScanCaller = {
  userId: string | null;
  clientKey: string;
  /** See sourceKeyOf: rate limits, probe counting and distinct clients key on it. */
  sourceKey: string;
  settings: RiskSettings;
  /** Settled before the first answer-changing read: a limited caller learns nothing. */
  checkRateLimit: RateLimitCheck;
};

/**
 * Who scans: the optional signed-in user (a token of a disabled account is refused), the keyed
 * hashes the rules and limits count by, the scan rate limit started, and the risk settings.
 */
export async function scanCaller(c: Context<AppEnv>, clientId?: string): Promise<ScanCaller> {
  const claims = await optionalClaims(c);
  const who = { userId: claims?.sub, clientId, ip: c.req.header("CF-Connecting-IP") };
  const [clientKey, sourceKey] = await Promise.all([
    clientKeyOf(c.env.CLIENT_ID_PEPPER, who),
    sourceKeyOf(c.env.CLIENT_ID_PEPPER, who),
  ]);
  const checkRateLimit = startRateLimit(
    c.env.SCAN_RATE_LIMITER,
    [`source:${sourceKey}`, claims ? `user:${claims.sub}` : ""],
    "Too many scans from this address or account; try again in a minute.",
  );
  const [settings, signedIn] = await Promise.all([
    loadRiskSettings(c.env.DB),
    claims ? loadActiveUser(c, claims.sub) : null,
  ]);
  if (claims && !signedIn) {
    throw new ApiError(
      "unauthorized",
      "The account of this token no longer exists or is disabled.",
      {
        headers: { "WWW-Authenticate": 'Bearer realm="gi-trace", error="invalid_token"' },
      },
    );
  }
  return { userId: claims?.sub ?? null, clientKey, sourceKey, settings, checkRateLimit };
}

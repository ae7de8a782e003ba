// Per-source limits on the Workers Rate Limiting bindings of wrangler.toml. Keys are built from
// what the caller cannot choose (sourceKeyOf: the connecting network; the signed-in user), so
// rotating a client id or any other body field never buys more requests.
import { ApiError } from "../lib/errors";

/** Awaits the checks started by startRateLimit; throws 429 when any key is over its limit. */
export type RateLimitCheck = () => Promise<void>;

/**
 * Starts one check per key (empty keys are skipped) and answers a function that throws 429 with
 * Retry-After when any is refused. Starting early lets a handler run its D1 read meanwhile and
 * await the check before it writes anything, so a refused request stores nothing.
 */
export function startRateLimit(
  limiter: RateLimit | undefined,
  keys: readonly string[],
  detail: string,
): RateLimitCheck {
  const wanted = keys.filter((key) => key !== "");
  if (!limiter || wanted.length === 0) return async () => undefined;
  const outcome = Promise.all(wanted.map((key) => limiter.limit({ key }))).then(
    (results) => ({ success: results.every((result) => result.success) }),
    (error: unknown) => ({ error }),
  );
  return async () => {
    const result = await outcome;
    if ("error" in result) throw result.error;
    if (!result.success) {
      throw new ApiError("rate_limited", detail, { headers: { "Retry-After": "60" } });
    }
  };
}

/** Checks the limit at once: for handlers with nothing to overlap it with. */
export async function enforceRateLimit(
  limiter: RateLimit | undefined,
  keys: readonly string[],
  detail: string,
): Promise<void> {
  await startRateLimit(limiter, keys, detail)();
}

/** Awaits `read` after the rate-limit check; `read` is already under way. */
export async function afterRateLimit<T>(
  read: Promise<T>,
  checkRateLimit: RateLimitCheck,
): Promise<T> {
  read.catch(() => undefined); // awaited below, unless the check refuses the client first
  await checkRateLimit();
  return read;
}

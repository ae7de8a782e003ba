// Login throttling per (account, source): every attempt, on a known or an unknown account, is
// counted atomically before the password is checked (so parallel guesses cannot slip past the
// count); a success resets the count. The attempt after MAX_FAILED_LOGINS failures within the
// window that began with the first of them is refused with 429 until that window ends. Each
// address is also limited across accounts (LOGIN_RATE_LIMITER in wrangler.toml).
export const MAX_FAILED_LOGINS = 5;
export const FAILED_LOGIN_WINDOW_MS = 15 * 60 * 1000;

/** The count and window start after this attempt was counted. */
export type AttemptState = { failedLoginCount: number; failedLoginWindowStart: string | null };

/** Seconds until the account may try again, or 0 when this attempt may proceed. */
export function lockedForSeconds(state: AttemptState, now: Date): number {
  if (state.failedLoginCount <= MAX_FAILED_LOGINS || !state.failedLoginWindowStart) return 0;
  const endsAt = Date.parse(state.failedLoginWindowStart) + FAILED_LOGIN_WINDOW_MS;
  return Math.max(0, Math.ceil((endsAt - now.getTime()) / 1000));
}

/** Start of the window that is still open at `now`: attempts before it no longer count. */
export function windowCutoff(now: Date): string {
  return new Date(now.getTime() - FAILED_LOGIN_WINDOW_MS).toISOString();
}

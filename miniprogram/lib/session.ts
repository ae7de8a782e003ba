// Sign-in without friction: wx.login → POST /v1/auth/wechat on launch; the token pair is kept in
// storage and refreshed before the access token runs out. Nothing waits for it that need not:
// a scan goes out with whatever token is there (none on the very first launch).
import type { TokenPair } from "../shared/api";
import { ApiRequestError, apiRequest } from "./request";

export const SESSION_KEY = "gi-session";
/** Refresh this long before the access token expires, so a request never carries a dead one. */
const REFRESH_MARGIN_MS = 60_000;

export type StoredSession = { accessToken: string; refreshToken: string; expiresAt: number };

let pending: Promise<StoredSession | null> | null = null;

export function storedSession(): StoredSession | null {
  const value = wx.getStorageSync(SESSION_KEY) as StoredSession | "" | undefined;
  return value && typeof value === "object" && value.accessToken ? value : null;
}

function keep(pair: TokenPair, now: number): StoredSession {
  const session = {
    accessToken: pair.access_token,
    refreshToken: pair.refresh_token,
    expiresAt: now + pair.expires_in * 1000,
  };
  wx.setStorageSync(SESSION_KEY, session);
  return session;
}

export function isFresh(session: StoredSession | null, now: number): session is StoredSession {
  return session !== null && session.expiresAt - REFRESH_MARGIN_MS > now;
}

function wxLoginCode(): Promise<string> {
  return new Promise((resolve, reject) => {
    wx.login({
      success: (res) => (res.code ? resolve(res.code) : reject(new Error(res.errMsg))),
      fail: (err) => reject(new Error(err.errMsg)),
    });
  });
}

async function signIn(now: () => number): Promise<StoredSession> {
  const code = await wxLoginCode();
  const pair = await apiRequest<TokenPair>({
    method: "POST",
    path: "/v1/auth/wechat",
    body: { code },
  });
  return keep(pair, now());
}

async function refreshOrSignIn(now: () => number): Promise<StoredSession | null> {
  const current = storedSession();
  if (current) {
    try {
      const pair = await apiRequest<TokenPair>({
        method: "POST",
        path: "/v1/auth/refresh",
        body: { refresh_token: current.refreshToken },
      });
      return keep(pair, now());
    } catch (e) {
      // A spent or expired refresh token means a new sign-in; a network failure keeps the old one.
      if (!(e instanceof ApiRequestError) || e.status !== 401) return null;
      wx.removeStorageSync(SESSION_KEY);
    }
  }
  try {
    return await signIn(now);
  } catch {
    return null;
  }
}

/** A fresh session, signing in or refreshing at most once at a time; null when that failed. */
export function ensureSession(now: () => number = Date.now): Promise<StoredSession | null> {
  const current = storedSession();
  if (isFresh(current, now())) return Promise.resolve(current);
  if (!pending) {
    pending = refreshOrSignIn(now).finally(() => {
      pending = null;
    });
  }
  return pending;
}

/** The access token to send now without waiting: the stored one while it is fresh. */
export function currentToken(now: number = Date.now()): string | null {
  const current = storedSession();
  return isFresh(current, now) ? current.accessToken : null;
}

/** An authenticated call; one 401 (token revoked meanwhile) signs in again and retries once. */
export async function authedRequest<T>(
  options: Omit<Parameters<typeof apiRequest>[0], "token">,
): Promise<T> {
  const session = await ensureSession();
  if (!session) throw new ApiRequestError(401, { detail: "not signed in" });
  try {
    return await apiRequest<T>({ ...options, token: session.accessToken });
  } catch (e) {
    if (!(e instanceof ApiRequestError) || e.status !== 401) throw e;
    wx.removeStorageSync(SESSION_KEY);
    const again = await ensureSession();
    if (!again) throw e;
    return apiRequest<T>({ ...options, token: again.accessToken });
  }
}

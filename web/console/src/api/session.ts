// The signed-in session: the token pair in localStorage (so a shared link opens in a new tab),
// the access token renewed before it expires and after a 401, one renewal at a time across tabs
// (Web Locks) because presenting a refresh token another tab already spent revokes the family.
import { reactive } from "vue";
import type { components } from "../../../api/schema";

export type User = components["schemas"]["User"];
type TokenPair = components["schemas"]["TokenPair"];
export type Session = { access: string; refresh: string; expiresAt: number; user: User };
export type EndReason = "signed_out" | "expired" | "revoked";

const KEY = "gi-console-session";

function load(): Session | null {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? "null") as Session | null;
    return value?.access && value.refresh ? value : null;
  } catch {
    return null;
  }
}

export const session = reactive<{ current: Session | null; ended: EndReason | null }>({
  current: load(),
  ended: null,
});

let timer: ReturnType<typeof setTimeout> | undefined;

function store(next: Session | null): void {
  session.current = next;
  if (next) localStorage.setItem(KEY, JSON.stringify(next));
  else localStorage.removeItem(KEY);
  schedule();
}

/** Renew at three quarters of the token's life, and at the latest a minute before it ends. */
function schedule(): void {
  clearTimeout(timer);
  const current = session.current;
  if (!current) return;
  const left = current.expiresAt - Date.now();
  const margin = Math.min(60_000, left / 4);
  timer = setTimeout(() => void renew(), Math.max(left - margin, 1_000));
}

export function startSession(pair: TokenPair): void {
  session.ended = null;
  store({
    access: pair.access_token,
    refresh: pair.refresh_token,
    expiresAt: Date.now() + pair.expires_in * 1000,
    user: pair.user,
  });
}

export function endSession(reason: EndReason): void {
  session.ended = reason;
  store(null);
}

async function exclusively<T>(work: () => Promise<T>): Promise<T> {
  return navigator.locks ? navigator.locks.request("gi-console-refresh", work) : work();
}

let renewing: Promise<boolean> | null = null;

/** Renews the access token; false (and the session ended) when the refresh token is refused. */
export function renew(): Promise<boolean> {
  renewing ??= exclusively(async () => {
    const mine = session.current;
    const stored = load();
    // Another tab renewed while this one waited: take its pair instead of spending ours again.
    if (stored && mine && stored.refresh !== mine.refresh) {
      store(stored);
      return true;
    }
    if (!mine) return false;
    try {
      const res = await fetch("/v1/auth/refresh", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ refresh_token: mine.refresh }),
      });
      if (res.ok) {
        startSession((await res.json()) as TokenPair);
        return true;
      }
      if (res.status === 401 || res.status === 400) {
        endSession("revoked");
        return false;
      }
    } catch {
      // Offline: keep the session and try again shortly.
    }
    timer = setTimeout(() => void renew(), 15_000);
    return false;
  }).finally(() => {
    renewing = null;
  });
  return renewing;
}

/** Revokes the refresh token on the server, then forgets the session. */
export async function signOut(): Promise<void> {
  const current = session.current;
  if (current) {
    await fetch("/v1/auth/logout", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${current.access}`,
      },
      body: JSON.stringify({ refresh_token: current.refresh }),
    }).catch(() => undefined);
  }
  endSession("signed_out");
}

window.addEventListener("storage", (event) => {
  if (event.key !== KEY) return;
  session.current = load();
  schedule();
});
schedule();

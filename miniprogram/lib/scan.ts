// One scan: POST /v1/scans with an Idempotency-Key (a retry after a lost answer is the same scan,
// not a second one that would count against the code), then the location and the history.
import { config } from "../config";
import type { ScanRequest, ScanResult } from "../shared/api";
import type { LabelTarget } from "./launch";
import { ApiRequestError, apiRequest, newIdempotencyKey } from "./request";
import { currentToken } from "./session";
import type { Lang } from "./ui-words";

const CLIENT_ID_KEY = "gi-client-id";
const RECENT_KEY = "gi-recent-scans";

export type RecentScan = { code: string; verdict: ScanResult["verdict"]; name: string; at: string };

/** A random id per installation: a hint for the distinct-client rules, hashed by the server. */
export function clientId(): string {
  let id = wx.getStorageSync(CLIENT_ID_KEY) as string;
  if (!id) {
    id = `mp-${newIdempotencyKey().slice(3)}`;
    wx.setStorageSync(CLIENT_ID_KEY, id);
  }
  return id;
}

export function scanRequest(target: Exclude<LabelTarget, { kind: "not_ours" }>): ScanRequest {
  const where = target.kind === "code" ? { code: target.code } : { url: target.url };
  return { ...where, client_id: clientId() };
}

const MAX_ATTEMPTS = 2;

/** Sends the scan; a network failure is retried once with the same Idempotency-Key. */
export async function sendScan(body: ScanRequest, lang: Lang, key = newIdempotencyKey()) {
  let lastError: unknown;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    try {
      return await apiRequest<ScanResult>({
        method: "POST",
        path: "/v1/scans",
        body,
        lang,
        token: currentToken(),
        headers: { "Idempotency-Key": key },
      });
    } catch (e) {
      lastError = e;
      if ((e as { status?: number }).status !== 0) break;
    }
  }
  throw lastError;
}

/** Times a location is sent again while its scan is still queued (409 scan_pending). */
const PENDING_RETRIES = 5;

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Adds the consented location to the scan just made (the token proves it is this client's).
 * Where scans are written through a queue, a location may arrive before its scan is stored:
 * the server answers 409 scan_pending with Retry-After, and it is sent again.
 */
export async function sendLocation(
  result: ScanResult,
  location: { latitude: number; longitude: number; accuracy?: number },
) {
  if (!result.scan_id || !result.location_token) return null;
  const request = {
    method: "POST" as const,
    path: `/v1/scans/${encodeURIComponent(result.scan_id)}/location`,
    token: currentToken(),
    body: {
      lat: location.latitude,
      lng: location.longitude,
      ...(location.accuracy !== undefined
        ? { accuracy_m: Math.min(location.accuracy, 1_000_000) }
        : {}),
      token: result.location_token,
    },
  };
  for (let attempt = 0; ; attempt++) {
    try {
      return await apiRequest<unknown>(request);
    } catch (e) {
      const pending = e instanceof ApiRequestError && e.problem.code === "scan_pending";
      if (!pending || attempt >= PENDING_RETRIES) throw e;
      await wait(1_000);
    }
  }
}

export function recentScans(): RecentScan[] {
  const value = wx.getStorageSync(RECENT_KEY) as RecentScan[] | "";
  return Array.isArray(value) ? value : [];
}

export function rememberScan(entry: RecentScan): RecentScan[] {
  const list = [entry, ...recentScans().filter((s) => s.code !== entry.code)].slice(
    0,
    config.recentScans,
  );
  wx.setStorageSync(RECENT_KEY, list);
  return list;
}

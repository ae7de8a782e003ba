// The capability to add a location to a scan after its verdict (DESIGN §7: verdict first, then
// consent). The scan's answer carries a token only its client sees; a location is accepted with
// that token and within the window, so nobody else can move someone's scan, and a location sent
// long after the scan (when it says nothing about where the scan happened) is refused.
import { keyedHash } from "./keyed-hash";

/** Minutes after a scan in which its client may add the location. */
export const LOCATION_WINDOW_MINUTES = 10;

const PURPOSE = "scan-location";

export type LocationTokenCheck = "ok" | "forged" | "expired";

export async function issueLocationToken(
  pepper: string,
  scanId: string,
  scannedAt: string,
): Promise<{ token: string; expiresAt: string }> {
  const expiresMs = Date.parse(scannedAt) + LOCATION_WINDOW_MINUTES * 60_000;
  const mac = await keyedHash(pepper, PURPOSE, `${scanId}.${expiresMs}`);
  return { token: `${expiresMs}.${mac}`, expiresAt: new Date(expiresMs).toISOString() };
}

function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

export async function checkLocationToken(
  pepper: string,
  scanId: string,
  token: string,
  now: number = Date.now(),
): Promise<LocationTokenCheck> {
  const match = /^(\d{13})\.([A-Za-z0-9_-]{32})$/.exec(token);
  if (!match) return "forged";
  const [, expires = "", mac = ""] = match;
  const expected = await keyedHash(pepper, PURPOSE, `${scanId}.${expires}`);
  if (!sameText(mac, expected)) return "forged";
  return now > Number(expires) ? "expired" : "ok";
}

// Who and where a scan came from, minimised before anything is stored: the client becomes a
// keyed hash, coordinates are rounded to about 1 km, the IP is used only for its hash and the
// platform's coarse geolocation and is never stored.
import { keyedHash } from "./keyed-hash";

/** Coordinates less precise than this are ignored in favour of IP geolocation. */
export const MAX_USEFUL_ACCURACY_M = 5000;

export type ClientIdentity = {
  userId?: string | null;
  clientId?: string | null;
  ip?: string | null;
};

/** The client key: the signed-in user, else the device's client id, else the IP, else "". */
export async function clientKeyOf(pepper: string, who: ClientIdentity): Promise<string> {
  if (who.userId) return keyedHash(pepper, "user", who.userId);
  if (who.clientId) return keyedHash(pepper, "client", who.clientId);
  if (who.ip) return keyedHash(pepper, "ip", who.ip);
  return "";
}

/**
 * The network a connecting IP stands for: an IPv4 address as it is, an IPv6 address by its /64
 * (one subscriber's prefix: its 2^64 addresses are one source, or a single line could pose as
 * any number of callers). Null when the text is no IP address.
 */
export function ipNetwork(ip: string): string | null {
  const text = ip.trim();
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) return text;
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(text);
  if (mapped) return mapped[1] as string;
  if (!/^[0-9a-f:.]+$/i.test(text) || !text.includes(":")) return null;
  const [head = "", tail] = text.toLowerCase().split("::");
  if (text.split("::").length > 2) return null;
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? left.length !== 8 : missing < 1) return null;
  const groups = [...left, ...Array(Math.max(missing, 0)).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

/**
 * The source key: who a request comes from for limits, probe counting and the distinct-client
 * rules, built only from what the caller cannot choose. Cloudflare's edge sets
 * CF-Connecting-IP on every request; where it is missing (a local server, tests) the signed-in
 * user and then the client id stand in.
 */
export async function sourceKeyOf(pepper: string, who: ClientIdentity): Promise<string> {
  const ip = who.ip?.trim();
  if (ip) return keyedHash(pepper, "ip", ipNetwork(ip) ?? ip);
  return clientKeyOf(pepper, { userId: who.userId, clientId: who.clientId });
}

export function userAgentClass(userAgent: string | undefined): string {
  if (!userAgent) return "unknown";
  if (/miniProgram/i.test(userAgent)) return "wechat_miniprogram";
  if (/MicroMessenger/i.test(userAgent)) return "wechat";
  if (/AlipayClient/i.test(userAgent)) return "alipay";
  if (/bot|crawl|spider|curl|wget|python|autocannon/i.test(userAgent)) return "bot";
  if (/Mobile|Android|iPhone|iPad/i.test(userAgent)) return "mobile";
  return "desktop";
}

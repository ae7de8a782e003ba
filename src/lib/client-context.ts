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

export function userAgentClass(userAgent: string | undefined): string {
  if (!userAgent) return "unknown";
  if (/miniProgram/i.test(userAgent)) return "wechat_miniprogram";
  if (/MicroMessenger/i.test(userAgent)) return "wechat";
  if (/AlipayClient/i.test(userAgent)) return "alipay";
  if (/bot|crawl|spider|curl|wget|python|autocannon/i.test(userAgent)) return "bot";
  if (/Mobile|Android|iPhone|iPad/i.test(userAgent)) return "mobile";
  return "desktop";
}

import type { Bindings } from "../types";
import { type LabelKeys, parseLabelKeys } from "./label-code";
import { digitalLinkUrl, shortLabelUrl } from "./label-url";

const parsed = new Map<string, LabelKeys>();

/** Label HMAC keys from the environment, parsed once per isolate. */
export function labelKeys(env: Bindings): { keys: LabelKeys; currentKid: string } {
  let keys = parsed.get(env.LABEL_HMAC_KEYS);
  if (!keys) {
    keys = parseLabelKeys(env.LABEL_HMAC_KEYS);
    parsed.set(env.LABEL_HMAC_KEYS, keys);
  }
  return { keys, currentKid: env.LABEL_HMAC_CURRENT_KID };
}

/**
 * Scheme, host and port printed into label URLs. In production that is always PUBLIC_HOST over
 * https, whatever host the request came to: a printed label can never change, so it must not
 * depend on who asked. Any other environment (npm start, tests) prints the origin it is served
 * on, so that a test sheet printed from a developer's machine opens that machine.
 */
export function labelOrigin(
  env: Pick<Bindings, "ENVIRONMENT" | "PUBLIC_HOST">,
  requestUrl: string,
) {
  if (env.ENVIRONMENT === "production") {
    return `https://${env.PUBLIC_HOST.trim()
      .replace(/^https?:\/\//i, "")
      .replace(/\/+$/, "")}`;
  }
  return new URL(requestUrl).origin;
}

/** GS1 Digital Link for batches with a GTIN, else the short /V/ URL (QR alphanumeric mode). */
export function labelUrl(
  origin: string,
  batch: { gtin: string | null; lotCode: string },
  code: string,
): string {
  return batch.gtin
    ? digitalLinkUrl(origin, batch.gtin, batch.lotCode, code)
    : shortLabelUrl(origin, code);
}

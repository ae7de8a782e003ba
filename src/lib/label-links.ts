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

/** GS1 Digital Link for batches with a GTIN, else the short /V/ URL (QR alphanumeric mode). */
export function labelUrl(
  env: Bindings,
  batch: { gtin: string | null; lotCode: string },
  code: string,
): string {
  return batch.gtin
    ? digitalLinkUrl(env.PUBLIC_HOST, batch.gtin, batch.lotCode, code)
    : shortLabelUrl(env.PUBLIC_HOST, code);
}

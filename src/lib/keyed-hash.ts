// Keyed hashes (HMAC-SHA256 under CLIENT_ID_PEPPER) of personal identifiers: WeChat openids,
// device client ids and IPs are stored only this way, so a database leak does not reveal them
// and the same person still maps to the same key.
const keys = new Map<string, Promise<CryptoKey>>();
const encoder = new TextEncoder();

function importPepper(pepper: string): Promise<CryptoKey> {
  let key = keys.get(pepper);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      encoder.encode(pepper),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    keys.set(pepper, key);
  }
  return key;
}

export function toBase64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

/** `purpose` separates namespaces: an openid and a device id with equal text hash differently. */
export async function keyedHash(pepper: string, purpose: string, value: string): Promise<string> {
  const key = await importPepper(pepper);
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(`${purpose}\u0000${value}`));
  return toBase64Url(new Uint8Array(mac).slice(0, 24));
}

/** SHA-256 of a high-entropy secret (refresh tokens): no pepper needed, nothing to guess. */
export async function sha256Base64Url(value: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(value));
  return toBase64Url(new Uint8Array(digest));
}

export function randomToken(bytes = 32): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

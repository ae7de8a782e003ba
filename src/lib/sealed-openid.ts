// The openid a WeChat subscribe message must be addressed to, kept only while a one-time
// subscription waits to be spent: sealed with AES-GCM under a key derived (HKDF) from
// CLIENT_ID_PEPPER, so the database alone never reveals it. Everything else stores only the
// keyed hash of the openid.
import { toBase64Url } from "./keyed-hash";

const VERSION = "v1";
const keys = new Map<string, Promise<CryptoKey>>();
const encoder = new TextEncoder();

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function sealKey(pepper: string): Promise<CryptoKey> {
  let key = keys.get(pepper);
  if (!key) {
    key = crypto.subtle
      .importKey("raw", encoder.encode(pepper), "HKDF", false, ["deriveKey"])
      .then((base) =>
        crypto.subtle.deriveKey(
          {
            name: "HKDF",
            hash: "SHA-256",
            salt: new Uint8Array(0),
            info: encoder.encode("gi-trace openid seal v1"),
          },
          base,
          { name: "AES-GCM", length: 256 },
          false,
          ["encrypt", "decrypt"],
        ),
      );
    keys.set(pepper, key);
  }
  return key;
}

export async function sealOpenid(pepper: string, openid: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv },
    await sealKey(pepper),
    encoder.encode(openid),
  );
  return `${VERSION}.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(sealed))}`;
}

/** The openid, or null when the text was not sealed under this pepper (or was altered). */
export async function openSealedOpenid(pepper: string, text: string): Promise<string | null> {
  const [version, iv, sealed] = text.split(".");
  if (version !== VERSION || !iv || !sealed) return null;
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: fromBase64Url(iv) },
      await sealKey(pepper),
      fromBase64Url(sealed),
    );
    return new TextDecoder().decode(plain);
  } catch {
    return null;
  }
}

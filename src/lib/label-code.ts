// Label codes: `<kid><body>`, 21 Crockford base32 characters.
// kid (1 char) names the HMAC key; body (20 chars) encodes 8 random bytes followed by the first
// 4 bytes of HMAC-SHA256(key[kid], kid || random). The tag lets a scan reject forged or mistyped
// codes without touching the database; the kid lets keys rotate while old labels stay valid.
import { base32crockford } from "@scure/base";

/** kid → base64 secret, as held in the LABEL_HMAC_KEYS secret (a JSON object). */
export type LabelKeys = Record<string, string>;

export type LabelCodeVerification =
  | { ok: true; code: string; kid: string }
  | { ok: false; reason: "malformed" | "unknown_key" | "bad_tag" };

export const LABEL_CODE_LENGTH = 21;
const RANDOM_BYTES = 8;
const TAG_BYTES = 4;
const MIN_SECRET_BYTES = 16;
const CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CANONICAL_CODE = /^[0-9A-HJKMNP-TV-Z]{21}$/;
// crypto.getRandomValues refuses more than 65,536 bytes per call.
const MAX_RANDOM_BYTES_PER_CALL = 65_536;

const encoder = new TextEncoder();
const importedKeys = new Map<string, Promise<CryptoKey>>();

function decodeBase64(secret: string): Uint8Array {
  const standard = secret.trim().replaceAll("-", "+").replaceAll("_", "/");
  const binary = atob(standard);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function parseLabelKeys(json: string): LabelKeys {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error('LABEL_HMAC_KEYS must be a JSON object such as {"1":"<base64 secret>"}.');
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error('LABEL_HMAC_KEYS must be a JSON object such as {"1":"<base64 secret>"}.');
  }
  const keys: LabelKeys = {};
  const entries = Object.entries(parsed);
  if (entries.length === 0) throw new Error("LABEL_HMAC_KEYS holds no key.");
  for (const [kid, secret] of entries) {
    if (kid.length !== 1 || !CROCKFORD_ALPHABET.includes(kid)) {
      throw new Error(
        `LABEL_HMAC_KEYS: key id "${kid}" must be one upper-case Crockford base32 character (0-9, A-Z without I, L, O, U).`,
      );
    }
    if (typeof secret !== "string") {
      throw new Error(`LABEL_HMAC_KEYS: the secret of key "${kid}" must be a base64 string.`);
    }
    let bytes: Uint8Array;
    try {
      bytes = decodeBase64(secret);
    } catch {
      throw new Error(`LABEL_HMAC_KEYS: the secret of key "${kid}" is not valid base64.`);
    }
    if (bytes.length < MIN_SECRET_BYTES) {
      throw new Error(
        `LABEL_HMAC_KEYS: the secret of key "${kid}" has ${bytes.length} bytes; at least ${MIN_SECRET_BYTES} are required.`,
      );
    }
    keys[kid] = secret;
  }
  return keys;
}

function hmacKey(kid: string, secret: string): Promise<CryptoKey> {
  const cacheKey = `${kid}\u0000${secret}`;
  let key = importedKeys.get(cacheKey);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      decodeBase64(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    // A failed import must not stay cached for the life of the isolate.
    key.catch(() => importedKeys.delete(cacheKey));
    importedKeys.set(cacheKey, key);
  }
  return key;
}

async function tagOf(key: CryptoKey, kid: string, random: Uint8Array): Promise<Uint8Array> {
  const kidBytes = encoder.encode(kid);
  const message = new Uint8Array(kidBytes.length + random.length);
  message.set(kidBytes);
  message.set(random, kidBytes.length);
  const mac = await crypto.subtle.sign("HMAC", key, message);
  return new Uint8Array(mac, 0, TAG_BYTES);
}

function randomChunks(count: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  const perCall = Math.floor(MAX_RANDOM_BYTES_PER_CALL / RANDOM_BYTES);
  for (let start = 0; start < count; start += perCall) {
    const n = Math.min(perCall, count - start);
    const bytes = crypto.getRandomValues(new Uint8Array(n * RANDOM_BYTES));
    for (let i = 0; i < n; i++) {
      chunks.push(bytes.subarray(i * RANDOM_BYTES, (i + 1) * RANDOM_BYTES));
    }
  }
  return chunks;
}

/** `count` distinct new codes under the current key (uniqueness against stored codes is the database's job). */
export async function issueLabelCodes(
  keys: LabelKeys,
  currentKid: string,
  count: number,
): Promise<string[]> {
  const secret = keys[currentKid];
  if (secret === undefined) {
    throw new Error(
      `Label key "${currentKid}" (LABEL_HMAC_CURRENT_KID) is not in LABEL_HMAC_KEYS.`,
    );
  }
  if (!Number.isInteger(count) || count < 0) {
    throw new Error("issueLabelCodes: count must be a non-negative integer.");
  }
  const key = await hmacKey(currentKid, secret);
  const codes = new Set<string>();
  // 64 random bits make a repeat within one call practically impossible; the loop only guarantees it.
  while (codes.size < count) {
    const randoms = randomChunks(count - codes.size);
    const tags = await Promise.all(randoms.map((random) => tagOf(key, currentKid, random)));
    randoms.forEach((random, i) => {
      const payload = new Uint8Array(RANDOM_BYTES + TAG_BYTES);
      payload.set(random);
      payload.set(tags[i] as Uint8Array, RANDOM_BYTES);
      codes.add(currentKid + base32crockford.encode(payload));
    });
  }
  return [...codes];
}

/**
 * The canonical form of what a person typed or a scanner read: hyphens and spaces dropped,
 * upper case, Crockford aliases I/L → 1 and O → 0. Null when it cannot be a label code.
 */
export function normalizeLabelCode(input: string): string | null {
  if (typeof input !== "string" || input.length > 128) return null;
  const code = input
    .replace(/[\s\-\u2010-\u2015\u2212]/g, "")
    .toUpperCase()
    .replace(/[IL]/g, "1")
    .replace(/O/g, "0");
  return CANONICAL_CODE.test(code) ? code : null;
}

/** The printed form, e.g. `1ABCD-EFGH-JKMN-PQRS-TVWX`: kid and 4 characters, then groups of 4. */
export function groupLabelCode(code: string): string {
  const groups = [code.slice(0, 5)];
  for (let i = 5; i < code.length; i += 4) groups.push(code.slice(i, i + 4));
  return groups.join("-");
}

function equalInConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] as number);
  return difference === 0;
}

/** Pure check of a code's tag: no database involved, so forgeries cost nothing but a HMAC. */
export async function verifyLabelCode(
  input: string,
  keys: LabelKeys,
): Promise<LabelCodeVerification> {
  const code = normalizeLabelCode(input);
  if (code === null) return { ok: false, reason: "malformed" };
  const kid = code.charAt(0);
  const secret = Object.hasOwn(keys, kid) ? keys[kid] : undefined;
  if (secret === undefined) return { ok: false, reason: "unknown_key" };
  let payload: Uint8Array;
  try {
    // Strict decoding: a last character with non-zero padding bits is not canonical.
    payload = base32crockford.decode(code.slice(1));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (payload.length !== RANDOM_BYTES + TAG_BYTES) return { ok: false, reason: "malformed" };
  const random = payload.subarray(0, RANDOM_BYTES);
  const expected = await tagOf(await hmacKey(kid, secret), kid, random);
  if (!equalInConstantTime(expected, payload.subarray(RANDOM_BYTES))) {
    return { ok: false, reason: "bad_tag" };
  }
  return { ok: true, code, kid };
}

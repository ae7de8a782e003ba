// Label codes. Every version ever printed keeps verifying; the length tells them apart.
//
// Version 2 (issued now), 20 Crockford base32 characters: `<kid><19 characters>`, the 19
// characters being 95 bits = 64 random bits followed by the first 31 bits of
// HMAC-SHA256(key[kid], "2" || kid || random). Twenty characters is the most a GS1 Digital Link
// serial (AI 21) may hold, and every Crockford character is in the AI 21 character set, so the
// same code serves the short /V/ URL and the Digital Link.
// Version 1, printed by the first releases, 21 characters: `<kid>` and 20 characters encoding 8
// random bytes followed by the first 4 bytes of HMAC-SHA256(key[kid], kid || random).
//
// The tag lets a scan reject forged or mistyped codes without touching the database; the kid
// lets keys rotate while old labels stay valid.
import { base32crockford } from "@scure/base";

/** kid → base64 secret, as held in the LABEL_HMAC_KEYS secret (a JSON object). */
export type LabelKeys = Record<string, string>;

export type LabelCodeVerification =
  | { ok: true; code: string; kid: string }
  | { ok: false; reason: "malformed" | "unknown_key" | "bad_tag" };

/** Length of the codes issued now (version 2). */
export const LABEL_CODE_LENGTH = 20;
/** Length of version 1 codes, which are no longer issued and keep verifying. */
export const LEGACY_LABEL_CODE_LENGTH = 21;
const RANDOM_BYTES = 8;
const V1_TAG_BYTES = 4;
const V2_TAG_BITS = 31n;
const V2_BODY_CHARS = 19;
const MIN_SECRET_BYTES = 16;
const CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CANONICAL_CODE = /^[0-9A-HJKMNP-TV-Z]{20,21}$/;
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

async function macOf(key: CryptoKey, prefix: string, random: Uint8Array): Promise<Uint8Array> {
  const prefixBytes = encoder.encode(prefix);
  const message = new Uint8Array(prefixBytes.length + random.length);
  message.set(prefixBytes);
  message.set(random, prefixBytes.length);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, message));
}

const bigIntOf = (bytes: Uint8Array) =>
  bytes.reduce((value, byte) => (value << 8n) | BigInt(byte), 0n);

/** The 31-bit version 2 tag of `random` under `kid`. */
async function v2Tag(key: CryptoKey, kid: string, random: Uint8Array): Promise<bigint> {
  const mac = await macOf(key, `2${kid}`, random);
  return bigIntOf(mac.subarray(0, 4)) >> (32n - V2_TAG_BITS);
}

function encodeV2Body(random: Uint8Array, tag: bigint): string {
  let value = (bigIntOf(random) << V2_TAG_BITS) | tag;
  let body = "";
  for (let i = 0; i < V2_BODY_CHARS; i++) {
    body = CROCKFORD_ALPHABET.charAt(Number(value & 31n)) + body;
    value >>= 5n;
  }
  return body;
}

function decodeV2Body(body: string): { random: Uint8Array; tag: bigint } {
  let value = 0n;
  for (const char of body) value = (value << 5n) | BigInt(CROCKFORD_ALPHABET.indexOf(char));
  const tag = value & ((1n << V2_TAG_BITS) - 1n);
  let randomValue = value >> V2_TAG_BITS;
  const random = new Uint8Array(RANDOM_BYTES);
  for (let i = RANDOM_BYTES - 1; i >= 0; i--) {
    random[i] = Number(randomValue & 255n);
    randomValue >>= 8n;
  }
  return { random, tag };
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
export async function mintLabelCodes(
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
    throw new Error("mintLabelCodes: count must be a non-negative integer.");
  }
  const key = await hmacKey(currentKid, secret);
  const codes = new Set<string>();
  // 64 random bits make a repeat within one call practically impossible; the loop only guarantees it.
  while (codes.size < count) {
    const randoms = randomChunks(count - codes.size);
    const tags = await Promise.all(randoms.map((random) => v2Tag(key, currentKid, random)));
    randoms.forEach((random, i) => {
      codes.add(currentKid + encodeV2Body(random, tags[i] as bigint));
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

/**
 * The printed form: groups of 4 (`1ABC-DEFG-HJKM-NPQR-STVW`); a version 1 code keeps its first
 * group of 5 (`1ABCD-EFGH-JKMN-PQRS-TVWX`).
 */
export function groupLabelCode(code: string): string {
  const first = code.length === LEGACY_LABEL_CODE_LENGTH ? 5 : 4;
  const groups = [code.slice(0, first)];
  for (let i = first; i < code.length; i += 4) groups.push(code.slice(i, i + 4));
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
  const key = await hmacKey(kid, secret);
  const tagged =
    code.length === LABEL_CODE_LENGTH ? await hasV2Tag(key, code) : await hasV1Tag(key, code);
  if (tagged === null) return { ok: false, reason: "malformed" };
  return tagged ? { ok: true, code, kid } : { ok: false, reason: "bad_tag" };
}

async function hasV2Tag(key: CryptoKey, code: string): Promise<boolean> {
  const kid = code.charAt(0);
  const { random, tag } = decodeV2Body(code.slice(1));
  // XOR then one comparison: the time taken does not depend on where the tags differ.
  return ((await v2Tag(key, kid, random)) ^ tag) === 0n;
}

/** Null when the code is not canonical version 1 base32. */
async function hasV1Tag(key: CryptoKey, code: string): Promise<boolean | null> {
  let payload: Uint8Array;
  try {
    // Strict decoding: a last character with non-zero padding bits is not canonical.
    payload = base32crockford.decode(code.slice(1));
  } catch {
    return null;
  }
  if (payload.length !== RANDOM_BYTES + V1_TAG_BYTES) return null;
  const random = payload.subarray(0, RANDOM_BYTES);
  const mac = await macOf(key, code.charAt(0), random);
  return equalInConstantTime(mac.subarray(0, V1_TAG_BYTES), payload.subarray(RANDOM_BYTES));
}

import { base32crockford } from "@scure/base";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  groupLabelCode,
  LABEL_CODE_LENGTH,
  type LabelKeys,
  LEGACY_LABEL_CODE_LENGTH,
  mintLabelCodes,
  normalizeLabelCode,
  parseLabelKeys,
  verifyLabelCode,
} from "../../src/lib/label-code";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

function randomSecret(bytes = 32): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(bytes))));
}

const keys: LabelKeys = { "1": randomSecret(), "2": randomSecret() };

/**
 * A version 1 code as the first releases printed them, built here independently of the
 * library: kid + base32(8 random bytes + first 4 bytes of HMAC-SHA256(key, kid || random)).
 */
async function legacyCode(secret: string, kid: string): Promise<string> {
  const raw = Uint8Array.from(atob(secret), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const random = crypto.getRandomValues(new Uint8Array(8));
  const message = new Uint8Array([kid.charCodeAt(0), ...random]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, message));
  return kid + base32crockford.encode(new Uint8Array([...random, ...mac.subarray(0, 4)]));
}

describe("parseLabelKeys", () => {
  it("accepts single Crockford kids with secrets of at least 16 bytes", () => {
    const json = JSON.stringify({ "1": randomSecret(16), Z: randomSecret(64) });
    expect(Object.keys(parseLabelKeys(json)).sort()).toEqual(["1", "Z"]);
  });

  it("throws a clear error for anything else", () => {
    const cases: [string, RegExp][] = [
      ["not json", /JSON object/],
      ["[]", /JSON object/],
      ["null", /JSON object/],
      ["{}", /no key/],
      [JSON.stringify({ "10": randomSecret() }), /key id "10"/],
      [JSON.stringify({ I: randomSecret() }), /key id "I"/],
      [JSON.stringify({ U: randomSecret() }), /key id "U"/],
      [JSON.stringify({ a: randomSecret() }), /key id "a"/],
      [JSON.stringify({ "1": randomSecret(15) }), /15 bytes; at least 16/],
      [JSON.stringify({ "1": 42 }), /base64 string/],
      [JSON.stringify({ "1": "not base64 at all!" }), /not valid base64/],
    ];
    for (const [json, message] of cases) expect(() => parseLabelKeys(json), json).toThrow(message);
  });
});

describe("mintLabelCodes and verifyLabelCode", () => {
  it("issues 10,000 distinct 20-character codes that all verify", async () => {
    const started = performance.now();
    const codes = await mintLabelCodes(keys, "1", 10_000);
    const elapsed = performance.now() - started;
    console.log(`mintLabelCodes(10,000) in the vitest pool: ${elapsed.toFixed(0)} ms`);
    expect(codes).toHaveLength(10_000);
    expect(new Set(codes).size).toBe(10_000);
    for (const code of codes) {
      expect(code).toMatch(/^1[0-9A-HJKMNP-TV-Z]{19}$/);
      expect(code).toHaveLength(LABEL_CODE_LENGTH);
    }
    const results = await Promise.all(codes.map((code) => verifyLabelCode(code, keys)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results[0]).toEqual({ ok: true, code: codes[0], kid: "1" });
  });

  it("issues nothing for zero and refuses a current kid that has no key", async () => {
    expect(await mintLabelCodes(keys, "1", 0)).toEqual([]);
    await expect(mintLabelCodes(keys, "9", 1)).rejects.toThrow(/"9"/);
  });

  it("property: changing any one character of a code makes it fail", async () => {
    const codes = await mintLabelCodes(keys, "1", 50);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...codes),
        fc.integer({ min: 0, max: LABEL_CODE_LENGTH - 1 }),
        fc.integer({ min: 1, max: ALPHABET.length - 1 }),
        async (code, position, shift) => {
          const original = code.charAt(position);
          const replacement = ALPHABET.charAt(
            (ALPHABET.indexOf(original) + shift) % ALPHABET.length,
          );
          const mutated = code.slice(0, position) + replacement + code.slice(position + 1);
          const result = await verifyLabelCode(mutated, keys);
          expect(result.ok).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("detects every single-character change of one code, position by position", async () => {
    const [code] = await mintLabelCodes(keys, "1", 1);
    if (code === undefined) throw new Error("no code issued");
    const reasons = new Set<string>();
    for (let position = 0; position < LABEL_CODE_LENGTH; position++) {
      for (const replacement of ALPHABET) {
        if (replacement === code.charAt(position)) continue;
        const mutated = code.slice(0, position) + replacement + code.slice(position + 1);
        const result = await verifyLabelCode(mutated, keys);
        expect(result.ok, mutated).toBe(false);
        if (!result.ok) reasons.add(result.reason);
      }
    }
    // Every 19-character body decodes (95 bits exactly), so a typo is a bad tag, never malformed.
    expect(reasons).toEqual(new Set(["unknown_key", "bad_tag"]));
  });

  it("spreads the random part over the code: no character is constant across codes", async () => {
    const codes = await mintLabelCodes(keys, "1", 2000);
    for (let position = 1; position < LABEL_CODE_LENGTH; position++) {
      const seen = new Set(codes.map((code) => code.charAt(position)));
      expect(seen.size, `position ${position}`).toBeGreaterThan(16);
    }
  });

  it("keeps verifying version 1 codes printed by the first releases", async () => {
    const secret = keys["1"] as string;
    for (let i = 0; i < 20; i++) {
      const old = await legacyCode(secret, "1");
      expect(old).toHaveLength(LEGACY_LABEL_CODE_LENGTH);
      expect(await verifyLabelCode(old, keys)).toEqual({ ok: true, code: old, kid: "1" });
      expect(await verifyLabelCode(old.toLowerCase(), keys)).toMatchObject({ ok: true });
    }
    const old = await legacyCode(secret, "1");
    for (let position = 1; position < LEGACY_LABEL_CODE_LENGTH - 1; position++) {
      const replacement = old.charAt(position) === "A" ? "B" : "A";
      const mutated = old.slice(0, position) + replacement + old.slice(position + 1);
      expect((await verifyLabelCode(mutated, keys)).ok, mutated).toBe(false);
    }
    expect(await verifyLabelCode(await legacyCode(randomSecret(), "1"), keys)).toEqual({
      ok: false,
      reason: "bad_tag",
    });
  });

  it("does not accept a version 1 tag in a version 2 code or the other way round", async () => {
    const [fresh] = await mintLabelCodes(keys, "1", 1);
    const old = await legacyCode(keys["1"] as string, "1");
    // The same random part under the other version's layout fails its tag.
    expect(await verifyLabelCode(`${old.slice(0, 20)}`, keys)).toMatchObject({ ok: false });
    expect(await verifyLabelCode(`${fresh}0`, keys)).toMatchObject({ ok: false });
  });

  it("keeps codes of an older key valid after a new key becomes current", async () => {
    const before: LabelKeys = { "1": keys["1"] as string };
    const [old] = await mintLabelCodes(before, "1", 1);
    if (old === undefined) throw new Error("no code issued");
    const rotated: LabelKeys = { ...before, "2": randomSecret() };
    const [fresh] = await mintLabelCodes(rotated, "2", 1);
    expect(fresh?.charAt(0)).toBe("2");
    expect(await verifyLabelCode(old, rotated)).toEqual({ ok: true, code: old, kid: "1" });
    expect(await verifyLabelCode(fresh ?? "", rotated)).toMatchObject({ ok: true, kid: "2" });
  });

  it("answers unknown_key for a kid that has no key", async () => {
    const [code] = await mintLabelCodes({ "3": randomSecret() }, "3", 1);
    expect(await verifyLabelCode(code ?? "", keys)).toEqual({ ok: false, reason: "unknown_key" });
  });

  it("answers bad_tag for a well-formed code tagged under another secret", async () => {
    const [code] = await mintLabelCodes({ "1": randomSecret() }, "1", 1);
    expect(await verifyLabelCode(code ?? "", keys)).toEqual({ ok: false, reason: "bad_tag" });
    const random = `1${base32crockford.encode(crypto.getRandomValues(new Uint8Array(12)))}`;
    expect(await verifyLabelCode(random, keys)).toEqual({ ok: false, reason: "bad_tag" });
    const random20 = random.slice(0, LABEL_CODE_LENGTH);
    expect(await verifyLabelCode(random20, keys)).toEqual({ ok: false, reason: "bad_tag" });
  });

  it("answers malformed for wrong lengths, illegal characters and non-canonical padding", async () => {
    const [code] = await mintLabelCodes(keys, "1", 1);
    if (code === undefined) throw new Error("no code issued");
    for (const input of [
      "",
      "1",
      code.slice(0, 19),
      `${code}00`,
      `${code.slice(0, 19)}U`,
      "x".repeat(500),
    ]) {
      expect(await verifyLabelCode(input, keys), input).toEqual({ ok: false, reason: "malformed" });
    }
    // The last character of a version 1 code carries 1 data bit and 4 padding bits that must be zero.
    const old = await legacyCode(keys["1"] as string, "1");
    const last = ALPHABET.indexOf(old.charAt(20));
    const padded = old.slice(0, 20) + ALPHABET.charAt(last ^ 0b00001);
    expect(await verifyLabelCode(padded, keys)).toEqual({ ok: false, reason: "malformed" });
  });
});

describe("normalizeLabelCode", () => {
  it("accepts lower case, hyphens, spaces and the Crockford aliases I, L and O", async () => {
    const code = "1ABCDEFGH0JKMNPQRST1Z";
    expect(normalizeLabelCode(code)).toBe(code);
    expect(normalizeLabelCode("  1abcd-efgh-0jkm npqr-st1z ")).toBe(code);
    expect(normalizeLabelCode("IABCDEFGHOJKMNPQRSTLZ")).toBe(code);
    expect(normalizeLabelCode("labcdefghojkmnpqrstiz")).toBe(code);
  });

  it("returns null for illegal characters and wrong lengths", () => {
    expect(normalizeLabelCode("1abc-defg-h0jk-mnpq-rst1")).toBe("1ABCDEFGH0JKMNPQRST1");
    for (const input of [
      "",
      "1ABCDEFGH0JKMNPQRST",
      "1ABCDEFGH0JKMNPQRST1ZZ",
      "1ABCDEFGH0JKMNPQRST1U",
      "1ABCDEFGH0JKMNPQRST1*",
      "１ABCDEFGH0JKMNPQRST1Z",
    ]) {
      expect(normalizeLabelCode(input), input).toBeNull();
    }
  });

  it("round-trips the printed grouping", async () => {
    const [code] = await mintLabelCodes(keys, "2", 1);
    if (code === undefined) throw new Error("no code issued");
    const printed = groupLabelCode(code);
    expect(printed).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
    const old = await legacyCode(keys["1"] as string, "1");
    expect(groupLabelCode(old)).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{4}){4}$/);
    expect(normalizeLabelCode(groupLabelCode(old))).toBe(old);
    expect(normalizeLabelCode(printed)).toBe(code);
    expect(await verifyLabelCode(printed.toLowerCase(), keys)).toEqual({
      ok: true,
      code,
      kid: "2",
    });
  });

  it("property: a code survives random case and inserted hyphens", async () => {
    const codes = await mintLabelCodes(keys, "1", 20);
    fc.assert(
      fc.property(
        fc.constantFrom(...codes),
        fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
        fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
        (code, lower, hyphen) => {
          const typed = [...code]
            .map((c, i) => `${hyphen[i] ? "-" : ""}${lower[i] ? c.toLowerCase() : c}`)
            .join("");
          expect(normalizeLabelCode(typed)).toBe(code);
        },
      ),
    );
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mintLabelCodes } from "../../src/lib/label-code";
import { digitalLinkUrl, parseScanInput, shortLabelUrl } from "../../src/lib/label-url";

const keys = { "1": btoa("0123456789abcdef0123456789abcdef") };
const [CODE = "", OTHER = ""] = await mintLabelCodes(keys, "1", 2);
const GTIN14 = "04006381333931";
// Characters of QR alphanumeric mode.
const QR_ALPHANUMERIC = /^[0-9A-Z $%*+\-./:]+$/;

describe("shortLabelUrl", () => {
  it("writes everything in upper case so the QR can use alphanumeric mode", () => {
    expect(shortLabelUrl("gi.example.cn", CODE)).toBe(`HTTPS://GI.EXAMPLE.CN/V/${CODE}`);
    expect(shortLabelUrl("localhost:8787", CODE.toLowerCase())).toBe(
      `HTTPS://LOCALHOST:8787/V/${CODE}`,
    );
    expect(shortLabelUrl("https://gi.example.cn/", CODE)).toBe(`HTTPS://GI.EXAMPLE.CN/V/${CODE}`);
    expect(shortLabelUrl("gi.example.cn", CODE)).toMatch(QR_ALPHANUMERIC);
  });
});

describe("digitalLinkUrl", () => {
  it("builds a GS1 Digital Link with GTIN, lot and the code as serial", () => {
    expect(digitalLinkUrl("gi.example.cn", GTIN14, "ZSDY-20261120-01", CODE)).toBe(
      `https://gi.example.cn/01/${GTIN14}/10/ZSDY-20261120-01/21/${CODE}`,
    );
  });

  it("percent-encodes every lot character outside the unreserved set", () => {
    expect(digitalLinkUrl("gi.example.cn", GTIN14, "A/B C(1)*!'#?&", CODE)).toBe(
      `https://gi.example.cn/01/${GTIN14}/10/A%2FB%20C%281%29%2A%21%27%23%3F%26/21/${CODE}`,
    );
    expect(digitalLinkUrl("gi.example.cn", GTIN14, "舟山", CODE)).toContain(
      "/10/%E8%88%9F%E5%B1%B1/",
    );
  });

  it("refuses an invalid GTIN", () => {
    expect(() => digitalLinkUrl("gi.example.cn", "04006381333932", "L1", CODE)).toThrow(
      /expected 1/,
    );
  });
});

describe("parseScanInput", () => {
  const shortUrl = `https://gi.example.cn/v/${CODE}`;
  const link = `https://gi.example.cn/01/${GTIN14}/10/LOT%2F7/21/${CODE}`;
  const code = { kind: "code", code: CODE };
  const digitalLink = { kind: "digital_link", gtin14: GTIN14, lot: "LOT/7", serial: CODE };

  it("reads a bare code in any case, with hyphens or spaces", () => {
    expect(parseScanInput(CODE)).toEqual(code);
    expect(parseScanInput(CODE.toLowerCase())).toEqual(code);
    expect(parseScanInput(` ${CODE.slice(0, 5)}-${CODE.slice(5, 9)} ${CODE.slice(9)}\n`)).toEqual(
      code,
    );
  });

  it("reads a short URL with any host and any case", () => {
    for (const input of [
      shortUrl,
      `HTTPS://GI.EXAMPLE.CN/V/${CODE}`,
      `https://other.host:8443/v/${CODE.toLowerCase()}`,
      `http://localhost:8787/V/${CODE}/`,
      `https://gi.example.cn/v/${CODE}?from=box#top`,
      `gi.example.cn/v/${CODE}`,
    ]) {
      expect(parseScanInput(input), input).toEqual(code);
    }
  });

  it("reads a GS1 Digital Link with any host, prefix and further AIs", () => {
    expect(parseScanInput(link)).toEqual(digitalLink);
    expect(parseScanInput(`HTTPS://ID.GS1.ORG/01/${GTIN14}/10/LOT%2F7/21/${CODE}`)).toEqual(
      digitalLink,
    );
    expect(parseScanInput(`https://x.cn/gs1/01/4006381333931/10/LOT%2F7/21/${CODE}/`)).toEqual(
      digitalLink,
    );
    expect(parseScanInput(`${link}?17=271231&3103=000500`)).toEqual(digitalLink);
    expect(parseScanInput(`https://x.cn/01/${GTIN14}/22/V2/10/LOT%2F7/21/${CODE}`)).toEqual(
      digitalLink,
    );
    expect(parseScanInput(digitalLinkUrl("x.cn", GTIN14, "批次 1", CODE))).toEqual({
      ...digitalLink,
      lot: "批次 1",
    });
  });

  it("refuses a Digital Link with a bad GTIN or without lot and serial", () => {
    expect(parseScanInput(`https://x.cn/01/4006381333932/10/L/21/${CODE}`)).toEqual({
      kind: "unrecognized",
    });
    expect(parseScanInput(`https://x.cn/01/${GTIN14}/10/L`)).toEqual({ kind: "unrecognized" });
    expect(parseScanInput(`https://x.cn/01/${GTIN14}/21/${CODE}`)).toEqual({
      kind: "unrecognized",
    });
    expect(parseScanInput(`https://x.cn/01/${GTIN14}/10/%E0%A4%A/21/${CODE}`)).toEqual({
      kind: "unrecognized",
    });
  });

  it("unwraps the WeChat q parameter, also nested and also alone", () => {
    const wrapped = (url: string) =>
      `pages/verify/index?q=${encodeURIComponent(url)}&scancode_time=1700000000`;
    expect(parseScanInput(wrapped(shortUrl))).toEqual(code);
    expect(parseScanInput(`/${wrapped(shortLabelUrl("gi.example.cn", CODE))}`)).toEqual(code);
    expect(parseScanInput(wrapped(encodeURIComponent(shortUrl)))).toEqual(code);
    expect(parseScanInput(encodeURIComponent(shortUrl))).toEqual(code);
    expect(parseScanInput(encodeURIComponent(encodeURIComponent(shortUrl)))).toEqual(code);
    expect(parseScanInput(`q=${encodeURIComponent(shortUrl)}&scancode_time=1700000000`)).toEqual(
      code,
    );
    expect(parseScanInput(`?q=${encodeURIComponent(shortUrl)}`)).toEqual(code);
    expect(parseScanInput(wrapped(link))).toEqual(digitalLink);
    expect(
      parseScanInput(`https://servicewechat.example/app?q=${encodeURIComponent(shortUrl)}`),
    ).toEqual(code);
  });

  it("tells codes apart", () => {
    expect(parseScanInput(`https://gi.example.cn/v/${OTHER}`)).toEqual({
      kind: "code",
      code: OTHER,
    });
  });

  it("answers unrecognized for garbage without throwing", () => {
    for (const input of [
      "",
      "   ",
      "hello",
      "https://",
      "https://gi.example.cn/",
      `https://gi.example.cn/v/${CODE}XY`,
      `https://gi.example.cn/v/`,
      "https%3A%2F%2F%E0%A4%A",
      "pages/verify/index?q=",
      "pages/verify/index?scancode_time=1",
      "http://[::1",
      "javascript:alert(1)",
      "%",
      "q=%",
      `${"https%253A%252F%252F".repeat(50)}x`,
      `https://gi.example.cn/v/${CODE}`.padEnd(3000, "/"),
      `pages/verify/index?q=${encodeURIComponent(`pages/verify/index?q=${encodeURIComponent(`?q=${encodeURIComponent(`q=${encodeURIComponent(`?q=${encodeURIComponent(shortUrl)}`)}`)}`)}`)}`,
    ]) {
      expect(parseScanInput(input), input.slice(0, 80)).toEqual({ kind: "unrecognized" });
    }
    expect(parseScanInput(null as unknown as string)).toEqual({ kind: "unrecognized" });
    expect(parseScanInput(42 as unknown as string)).toEqual({ kind: "unrecognized" });
  });

  it("property: never throws on arbitrary text or URLs", () => {
    const kinds = new Set(["code", "digital_link", "unrecognized"]);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 300 }),
          fc.webUrl({ withQueryParameters: true, withFragments: true }),
          fc.webUrl().map((u) => `pages/verify/index?q=${encodeURIComponent(u)}`),
          fc.string({ maxLength: 40 }).map((s) => `https://x.cn/01/${s}/10/${s}/21/${s}`),
        ),
        (input) => {
          expect(kinds.has(parseScanInput(input).kind)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("property: what we print is what we read back, also through WeChat", () => {
    fc.assert(
      fc.property(
        fc.domain(),
        fc
          .string({ unit: "grapheme", minLength: 1, maxLength: 20 })
          .filter((lot) => lot !== "." && lot !== ".."),
        (host, lot) => {
          const short = shortLabelUrl(host, CODE);
          expect(parseScanInput(short)).toEqual(code);
          expect(parseScanInput(`pages/verify/index?q=${encodeURIComponent(short)}`)).toEqual(code);
          const dl = digitalLinkUrl(host, GTIN14, lot, CODE);
          const expected = { kind: "digital_link", gtin14: GTIN14, lot, serial: CODE };
          expect(parseScanInput(dl)).toEqual(expected);
          expect(
            parseScanInput(`pages/verify/index?q=${encodeURIComponent(dl)}&scancode_time=1`),
          ).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});

import { describe, expect, it } from "vitest";
import { digitalLinkUri, keyLevels, parseDigitalLinkPath } from "../../src/lib/digital-link";
import { parseLinkTypeParam, passOnQuery } from "../../src/lib/resolver-links";

describe("parseDigitalLinkPath", () => {
  it("reads GTIN, lot and serial, padding the GTIN to 14 digits and tolerating a trailing slash", () => {
    expect(parseDigitalLinkPath("/01/4006381333931/10/A%2FB/21/X1/")).toEqual({
      ok: true,
      key: { gtin14: "04006381333931", lot: "A/B", serial: "X1" },
    });
    expect(parseDigitalLinkPath("/01/04006381333931/21/X1")).toEqual({
      ok: true,
      key: { gtin14: "04006381333931", serial: "X1" },
    });
  });

  it("refuses qualifiers out of order, unknown AIs, odd segments and bad characters", () => {
    for (const path of [
      "/01/04006381333931/21/X/10/L",
      "/01/04006381333931/22/V",
      "/01/04006381333931/10",
      "/01/04006381333931/10/%E4%B8%AD",
      "/01/04006381333932",
      "/02/04006381333931",
    ]) {
      expect(parseDigitalLinkPath(path).ok, path).toBe(false);
    }
  });
});

describe("digitalLinkUri and keyLevels", () => {
  it("writes the canonical URI of each level, item first", () => {
    const key = { gtin14: "04006381333931", lot: "L 1", serial: "S" };
    expect(keyLevels(key).map((k) => digitalLinkUri("https://x.cn", k))).toEqual([
      "https://x.cn/01/04006381333931/10/L%201/21/S",
      "https://x.cn/01/04006381333931/10/L%201",
      "https://x.cn/01/04006381333931",
    ]);
  });
});

describe("parseLinkTypeParam and passOnQuery", () => {
  it("accepts the CURIE and the three GS1 namespaces, and linkset or all", () => {
    expect(parseLinkTypeParam("gs1:pip")).toEqual({ kind: "type", name: "pip" });
    expect(parseLinkTypeParam("https://ref.gs1.org/voc/pip")).toEqual({
      kind: "type",
      name: "pip",
    });
    expect(parseLinkTypeParam("all")).toEqual({ kind: "linkset" });
    expect(parseLinkTypeParam("foo")).toEqual({ kind: "unknown", value: "foo" });
    expect(parseLinkTypeParam(undefined)).toEqual({ kind: "none" });
  });

  it("passes every key but linkType on", () => {
    const q = new URLSearchParams("linkType=gs1:pip&a=1&b=2");
    expect(passOnQuery("https://x.cn/p", q)).toBe("https://x.cn/p?a=1&b=2");
    expect(passOnQuery("https://x.cn/p?n=1", q)).toBe("https://x.cn/p?n=1&a=1&b=2");
  });
});

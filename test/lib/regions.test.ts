import fc from "fast-check";
import { describe, expect, it } from "vitest";
import prefectures from "../../src/data/prefectures.json";
import regions from "../../src/data/regions.json";
import {
  isRegionCode,
  prefectureOf,
  provinceOf,
  regionCodesWithin,
  regionCovers,
  regionLevel,
  regionName,
  regionScopePrefixes,
  regionsCover,
  scopeCodesFor,
  scopeCodesOf,
} from "../../src/lib/regions";

const allCodes = Object.keys(regions);
const sixDigits = fc.stringMatching(/^\d{6}$/);
const knownCode = fc.constantFrom(...allCodes);

describe("the region list", () => {
  it("has every level, with the names GB/T 2260 gives them", () => {
    expect(regionName("330000")).toBe("浙江省");
    expect(regionName("330900")).toBe("舟山市");
    expect(regionName("330903")).toBe("普陀区");
    expect(regionName("310107")).toBe("普陀区");
    expect(regionName("370114")).toBe("章丘区");
    expect(regionName("370116")).toBe("莱芜区");
    expect(regionName("211300")).toBe("朝阳市");
    expect(allCodes.filter((c) => regionLevel(c) === "province")).toHaveLength(34);
    expect(allCodes.length).toBeGreaterThan(3000);
  });

  it("includes the 2021 changes and leaves out statistics-only codes", () => {
    expect(regionName("330114")).toBe("钱塘区");
    expect(isRegionCode("130101")).toBe(false); // 市辖区
    expect(isRegionCode("130171")).toBe(false); // a development zone
  });

  it("has a known prefecture-level parent for every county-level code", () => {
    for (const code of allCodes) {
      if (regionLevel(code) !== "county") continue;
      expect(isRegionCode(`${code.slice(0, 4)}00`), code).toBe(true);
      expect(isRegionCode(provinceOf(code) ?? ""), code).toBe(true);
    }
  });

  it("knows every code that prefectureAt() can answer", () => {
    for (const { code } of prefectures) {
      expect(isRegionCode(code), code).toBe(true);
      expect(prefectureOf(code) ?? provinceOf(code), code).toBe(code);
    }
  });
});

describe("isRegionCode and regionName", () => {
  it("accept known codes only", () => {
    expect(isRegionCode("330903")).toBe(true);
    for (const bad of ["999999", "330999", "33090", "3309031", "abcdef", "", " 330903"]) {
      expect(isRegionCode(bad), bad).toBe(false);
      expect(regionName(bad), bad).toBeNull();
    }
    expect(regionName(null)).toBeNull();
    expect(regionName(undefined)).toBeNull();
    // Object.prototype members are no region names.
    expect(isRegionCode("constructor")).toBe(false);
    expect(regionName("toString")).toBeNull();
  });
});

describe("levels and parents", () => {
  it("reads the level from the code", () => {
    expect(regionLevel("330000")).toBe("province");
    expect(regionLevel("330900")).toBe("prefecture");
    expect(regionLevel("330903")).toBe("county");
    expect(regionLevel("33090")).toBeNull();
  });

  it("finds the province and the prefecture", () => {
    expect(provinceOf("330903")).toBe("330000");
    expect(provinceOf("330000")).toBe("330000");
    expect(prefectureOf("330903")).toBe("330900");
    expect(prefectureOf("330900")).toBe("330900");
    expect(prefectureOf("330000")).toBeNull();
    expect(provinceOf("x")).toBeNull();
    expect(prefectureOf("x")).toBeNull();
  });

  it("gives municipality districts their prefecture-level code", () => {
    expect(prefectureOf("110105")).toBe("110100");
    expect(regionName("110100")).toBe("北京市");
    expect(prefectureOf("310115")).toBe("310100");
    expect(prefectureOf("120116")).toBe("120100");
    expect(provinceOf("110105")).toBe("110000");
    // Chongqing: districts under 500100, counties under 500200.
    expect(prefectureOf("500101")).toBe("500100");
    expect(prefectureOf("500230")).toBe("500200");
    expect(regionName("500200")).toBe("重庆市（县）");
    for (const code of ["110100", "120100", "310100", "500100", "500200"]) {
      expect(isRegionCode(code), code).toBe(true);
    }
  });

  it("treats county-level units under a province directly as their own prefecture", () => {
    expect(regionName("429004")).toBe("仙桃市");
    expect(regionLevel("429004")).toBe("county");
    expect(prefectureOf("429004")).toBe("429004");
    expect(prefectureOf("419001")).toBe("419001");
    expect(prefectureOf("429000")).toBe("429000");
  });
});

describe("regionCovers", () => {
  it("covers 普陀区 from its prefecture and province only", () => {
    expect(regionCovers("330903", "330903")).toBe(true);
    expect(regionCovers("330900", "330903")).toBe(true);
    expect(regionCovers("330000", "330903")).toBe(true);
    expect(regionCovers("330100", "330903")).toBe(false);
    expect(regionCovers("320000", "330903")).toBe(false);
    expect(regionCovers("310107", "330903")).toBe(false);
  });

  it("never covers upwards", () => {
    expect(regionCovers("330903", "330900")).toBe(false);
    expect(regionCovers("330900", "330000")).toBe(false);
  });

  it("handles municipalities and directly administered units", () => {
    expect(regionCovers("110000", "110105")).toBe(true);
    expect(regionCovers("110100", "110105")).toBe(true);
    expect(regionCovers("500100", "500230")).toBe(false);
    expect(regionCovers("500200", "500230")).toBe(true);
    expect(regionCovers("500000", "500230")).toBe(true);
    expect(regionCovers("429000", "429004")).toBe(true);
    expect(regionCovers("420000", "429004")).toBe(true);
    expect(regionCovers("420100", "429004")).toBe(false);
  });

  it("refuses malformed scopes and codes", () => {
    expect(regionCovers("", "330903")).toBe(false);
    expect(regionCovers("33", "330903")).toBe(false);
    expect(regionCovers("330000", "33")).toBe(false);
    expect(regionCovers("330000", "")).toBe(false);
  });

  it("is reflexive", () => {
    fc.assert(fc.property(sixDigits, (code) => regionCovers(code, code)));
  });

  it("lets a province scope cover exactly the codes with its two digits", () => {
    fc.assert(
      fc.property(knownCode, knownCode, (scopeSource, code) => {
        const province = `${scopeSource.slice(0, 2)}0000`;
        return regionCovers(province, code) === code.startsWith(scopeSource.slice(0, 2));
      }),
    );
  });

  it("follows the parents: a code is covered by its prefecture and its province", () => {
    fc.assert(
      fc.property(knownCode, (code) => {
        const prefecture = prefectureOf(code);
        const province = provinceOf(code) as string;
        return (
          regionCovers(province, code) && (prefecture === null || regionCovers(prefecture, code))
        );
      }),
    );
  });

  it("is transitive", () => {
    fc.assert(
      fc.property(knownCode, knownCode, knownCode, (a, b, c) =>
        regionCovers(a, b) && regionCovers(b, c) ? regionCovers(a, c) : true,
      ),
    );
  });
});

describe("regionsCover", () => {
  it("is covered by any one scope, and a missing code by none", () => {
    expect(regionsCover(["320000", "330900"], "330903")).toBe(true);
    expect(regionsCover(["320000", "330100"], "330903")).toBe(false);
    expect(regionsCover([], "330903")).toBe(false);
    expect(regionsCover(["330000"], null)).toBe(false);
    expect(regionsCover(["330000"], undefined)).toBe(false);
    expect(regionsCover(["330000"], "")).toBe(false);
  });
});

describe("regionScopePrefixes", () => {
  it("gives two, four or six digits per scope", () => {
    expect(regionScopePrefixes(["330000"])).toEqual(["33"]);
    expect(regionScopePrefixes(["330900"])).toEqual(["3309"]);
    expect(regionScopePrefixes(["330903"])).toEqual(["330903"]);
    expect(regionScopePrefixes(["110100", "320000"])).toEqual(["1101", "32"]);
  });

  it("drops what a wider scope already covers, duplicates and malformed scopes", () => {
    expect(regionScopePrefixes(["330903", "330900", "330000"])).toEqual(["33"]);
    expect(regionScopePrefixes(["330903", "330903"])).toEqual(["330903"]);
    expect(regionScopePrefixes(["", "33", "bad", "330900"])).toEqual(["3309"]);
    expect(regionScopePrefixes([])).toEqual([]);
  });

  it("never answers an empty or non-digit prefix, whatever it is given", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), sixDigits)), (scopes) =>
        regionScopePrefixes(scopes).every((p) => /^(\d{2}|\d{4}|\d{6})$/.test(p)),
      ),
    );
  });

  it("agrees with regionsCover, so SQL filters and in-memory checks match", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(knownCode, sixDigits), { maxLength: 5 }),
        knownCode,
        (scopes, code) => {
          const bySql = regionScopePrefixes(scopes).some((p) => code.startsWith(p));
          return bySql === regionsCover(scopes, code);
        },
      ),
    );
  });
});

describe("scopeCodesOf", () => {
  it("names the province, prefecture and county a code lies in, once each", () => {
    expect(scopeCodesOf("330903")).toEqual(["330000", "330900", "330903"]);
    expect(scopeCodesOf("330900")).toEqual(["330000", "330900"]);
    expect(scopeCodesOf("330000")).toEqual(["330000"]);
    expect(scopeCodesOf("429004")).toEqual(["420000", "429000", "429004"]);
    expect(scopeCodesOf(null)).toEqual([]);
    expect(scopeCodesOf("")).toEqual([]);
    expect(scopeCodesOf("3309")).toEqual([]);
  });

  it("holds a scope's code exactly when the scope covers the code", () => {
    fc.assert(
      fc.property(knownCode, fc.oneof(knownCode, sixDigits), (code, scope) => {
        const [answered] = scopeCodesFor([scope]);
        expect(answered !== undefined && scopeCodesOf(code).includes(answered)).toBe(
          regionCovers(scope, code),
        );
      }),
    );
  });

  it("answers a regulator's scopes by one code per prefix, none covering another", () => {
    expect(scopeCodesFor(["330903", "330900", "110105"])).toEqual(["110105", "330900"]);
    expect(scopeCodesFor(["330000", "330903"])).toEqual(["330000"]);
  });
});

describe("regionCodesWithin", () => {
  it("lists every known code a scope covers, each once, and none of other scopes", () => {
    const zhoushan = regionCodesWithin(["330900"]);
    expect(zhoushan).toEqual(["330900", "330902", "330903", "330921", "330922"]);
    expect(regionCodesWithin(["330900", "330903"])).toEqual(zhoushan);
    const zhejiang = regionCodesWithin(["330000"]);
    expect(zhejiang.length).toBeGreaterThan(90);
    expect(zhejiang.every((code) => code.startsWith("33"))).toBe(true);
    expect(regionCodesWithin(["330903"])).toEqual(["330903"]);
    expect(regionCodesWithin(["33"])).toEqual([]);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { gtinCheckDigit, parseGtin } from "../../src/lib/gtin";

describe("gtinCheckDigit", () => {
  it("computes the GS1 mod-10 check digit", () => {
    expect(gtinCheckDigit("400638133393")).toBe(1);
    expect(gtinCheckDigit("9638507")).toBe(4);
    expect(gtinCheckDigit("03600029145")).toBe(2);
    expect(gtinCheckDigit("0000000000000")).toBe(0);
  });

  it("refuses what is not digits", () => {
    expect(() => gtinCheckDigit("")).toThrow();
    expect(() => gtinCheckDigit("12a4")).toThrow();
  });
});

describe("parseGtin", () => {
  it("accepts a valid GTIN-13 and pads it to 14 digits", () => {
    expect(parseGtin("4006381333931")).toEqual({ ok: true, gtin14: "04006381333931" });
  });

  it("names the expected check digit of a wrong GTIN", () => {
    const result = parseGtin("4006381333932");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/expected 1\b/);
  });

  it("accepts GTIN-8, 12-digit UPC and GTIN-14", () => {
    expect(parseGtin("96385074")).toEqual({ ok: true, gtin14: "00000096385074" });
    expect(parseGtin("036000291452")).toEqual({ ok: true, gtin14: "00036000291452" });
    expect(parseGtin("10614141000415")).toEqual({ ok: true, gtin14: "10614141000415" });
    expect(parseGtin(" 4006381333931 ")).toEqual({ ok: true, gtin14: "04006381333931" });
  });

  it("refuses other lengths, letters and separators", () => {
    for (const input of [
      "",
      "4006381",
      "40063813339",
      "400638133393100",
      "40063813339a1",
      "4006381-333931",
      "4006 381333931",
      "+4006381333931",
    ]) {
      expect(parseGtin(input).ok, input).toBe(false);
    }
    expect(parseGtin(null as unknown as string).ok).toBe(false);
  });

  it("property: any digits with their check digit appended parse; any other last digit fails", () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(7, 11, 12, 13)
          .chain((n) =>
            fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: n, maxLength: n }),
          ),
        fc.integer({ min: 1, max: 9 }),
        (body, shift) => {
          const check = gtinCheckDigit(body);
          const parsed = parseGtin(`${body}${check}`);
          expect(parsed).toEqual({ ok: true, gtin14: `${body}${check}`.padStart(14, "0") });
          const wrong = parseGtin(`${body}${(check + shift) % 10}`);
          expect(wrong.ok).toBe(false);
          if (!wrong.ok) expect(wrong.reason).toContain(`expected ${check}`);
        },
      ),
    );
  });
});

import { describe, expect, it } from "vitest";
import { verdictMessage } from "../../../src/lib/risk/messages";
import { verdicts } from "../../../src/lib/risk/types";

const never = { count: 1, firstAt: null, firstRegionName: null };

describe("verdictMessage", () => {
  it("tells a first scan of a genuine label just that", () => {
    expect(verdictMessage("genuine", "zh", never)).toBe("正品：该码为登记在册的地理标志产品标签。");
    expect(verdictMessage("genuine", "en", never)).toBe(
      "Genuine: this code is a registered geographical-indication product label.",
    );
  });

  it("tells an unknown code it is not registered, with no history", () => {
    const text = "查无此码：这不是登记在册的标签，可能是假冒。";
    expect(verdictMessage("invalid", "zh", never)).toBe(text);
    expect(verdictMessage("invalid", "zh", { ...never, count: 5 })).toBe(text);
  });

  it("adds the repeated-scan notice in Beijing time", () => {
    const firstScan = { count: 3, firstAt: "2026-11-20T16:05:00.000Z", firstRegionName: "舟山市" };
    expect(verdictMessage("genuine", "zh", firstScan)).toBe(
      "正品：该码为登记在册的地理标志产品标签。" +
        "该码已被查询 3 次，首次查询时间 2026-11-21 00:05（北京时间），地点 舟山市，谨防假冒。",
    );
    expect(verdictMessage("genuine", "en", firstScan)).toBe(
      "Genuine: this code is a registered geographical-indication product label. " +
        "This code has been scanned 3 times, first at 2026-11-21 00:05 (Beijing time) " +
        "in 舟山市. Beware of counterfeits.",
    );
  });

  it("leaves out what is not known of the first scan", () => {
    expect(
      verdictMessage("suspicious", "zh", { count: 2, firstAt: null, firstRegionName: "舟山市" }),
    ).toMatch(/该码已被查询 2 次，首次查询地点 舟山市，谨防假冒。$/);
    expect(
      verdictMessage("warning", "zh", {
        count: 2,
        firstAt: "2026-11-23T02:00:00Z",
        firstRegionName: null,
      }),
    ).toMatch(/该码已被查询 2 次，首次查询时间 2026-11-23 10:00（北京时间），谨防假冒。$/);
    expect(
      verdictMessage("genuine", "en", { count: 2, firstAt: null, firstRegionName: null }),
    ).toMatch(/This code has been scanned 2 times\. Beware of counterfeits\.$/);
  });

  it("has a distinct message for every verdict in both languages", () => {
    for (const lang of ["zh", "en"] as const) {
      const texts = verdicts.map((verdict) => verdictMessage(verdict, lang, never));
      expect(new Set(texts).size).toBe(verdicts.length);
    }
  });
});

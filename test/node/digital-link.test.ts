import digitalLink from "digital-link.js";
import { describe, expect, it } from "vitest";
import { mintLabelCodes } from "../../src/lib/label-code";
import { labelUrl } from "../../src/lib/label-links";

// digital-link.js (GS1's grammar, by EVRYTHNG) judges our URLs: a library we did not write.
const { DigitalLink } = digitalLink;

const keys = { "1": btoa("k".repeat(32)), Z: btoa("z".repeat(32)) };

describe("GS1 Digital Link label URLs", () => {
  it("are valid Digital Link URIs whose serial is the label code", async () => {
    const codes = [
      ...(await mintLabelCodes(keys, "1", 200)),
      ...(await mintLabelCodes(keys, "Z", 50)),
    ];
    const lots = ["L1", "ZSDY-20261120-01", "LOT.2026_11", "A".repeat(20)];
    const origins = ["https://gi.example.cn", "http://localhost:8811"];
    // The grammar judges each path segment on its own, so every code is tried once, each with
    // one of the eight lot and origin pairs in turn (each pair ~30 times), not with all eight.
    for (const [i, code] of codes.entries()) {
      const lot = lots[i % lots.length] as string;
      const origin = origins[Math.floor(i / lots.length) % origins.length] as string;
      const url = labelUrl(origin, { gtin: "4006381333931", lotCode: lot }, code);
      const link = DigitalLink(url);
      expect(link.isValid(), url).toBe(true);
      expect(link.getKeyQualifiers()).toEqual({ "10": lot, "21": code });
    }
  });

  it("would not be valid with a 21-character serial (the reason codes are 20 characters)", () => {
    const url = "https://gi.example.cn/01/04006381333931/10/L1/21/1ABCDEFGH0JKMNPQRST1Z";
    expect(DigitalLink(url).isValid()).toBe(false);
  });
});

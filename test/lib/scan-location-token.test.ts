import { describe, expect, it } from "vitest";
import {
  checkLocationToken,
  issueLocationToken,
  LOCATION_WINDOW_MINUTES,
} from "../../src/lib/scan-location-token";

const PEPPER = "p".repeat(32);
const AT = "2026-11-20T04:30:00.000Z";
const at = Date.parse(AT);

describe("scan location tokens", () => {
  it("accept the scan's own token within the window", async () => {
    const { token, expiresAt } = await issueLocationToken(PEPPER, "scn_a", AT);
    expect(expiresAt).toBe("2026-11-20T04:40:00.000Z");
    expect(await checkLocationToken(PEPPER, "scn_a", token, at + 1000)).toBe("ok");
    const lastMoment = at + LOCATION_WINDOW_MINUTES * 60_000;
    expect(await checkLocationToken(PEPPER, "scn_a", token, lastMoment)).toBe("ok");
    expect(await checkLocationToken(PEPPER, "scn_a", token, lastMoment + 1)).toBe("expired");
  });

  it("refuse another scan's token, another pepper's, a stretched expiry and garbage", async () => {
    const { token } = await issueLocationToken(PEPPER, "scn_a", AT);
    expect(await checkLocationToken(PEPPER, "scn_b", token, at)).toBe("forged");
    expect(await checkLocationToken("q".repeat(32), "scn_a", token, at)).toBe("forged");
    const [expires, mac] = token.split(".");
    const stretched = `${Number(expires) + 3_600_000}.${mac}`;
    expect(await checkLocationToken(PEPPER, "scn_a", stretched, at)).toBe("forged");
    for (const garbage of ["", "x", `${expires}.`, `${expires}.${mac}x`, `.${mac}`]) {
      expect(await checkLocationToken(PEPPER, "scn_a", garbage, at), garbage).toBe("forged");
    }
  });
});

import { describe, expect, it } from "vitest";
import {
  FAILED_LOGIN_WINDOW_MS,
  lockedForSeconds,
  MAX_FAILED_LOGINS,
  windowCutoff,
} from "../../src/lib/login-throttle";

const start = new Date("2026-11-23T10:00:00.000Z");
const at = (ms: number) => new Date(start.getTime() + ms);
const windowStart = start.toISOString();

describe("login throttle", () => {
  it("lets the fifth attempt of a window through and refuses the sixth until it ends", () => {
    expect(
      lockedForSeconds(
        { failedLoginCount: MAX_FAILED_LOGINS, failedLoginWindowStart: windowStart },
        at(1000),
      ),
    ).toBe(0);
    const sixth = { failedLoginCount: MAX_FAILED_LOGINS + 1, failedLoginWindowStart: windowStart };
    expect(lockedForSeconds(sixth, at(5 * 60_000))).toBe(10 * 60);
    expect(lockedForSeconds(sixth, at(FAILED_LOGIN_WINDOW_MS))).toBe(0);
  });

  it("puts the cutoff fifteen minutes before now", () => {
    expect(windowCutoff(at(FAILED_LOGIN_WINDOW_MS))).toBe(windowStart);
  });
});

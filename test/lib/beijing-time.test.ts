import { describe, expect, it } from "vitest";
import {
  beijingWallClock,
  chinaDate,
  formatBeijingTime,
  instantOfBeijingWallClock,
} from "../../src/lib/beijing-time";

describe("Beijing time", () => {
  it("formats an instant at UTC+8 across a day and year boundary", () => {
    expect(formatBeijingTime("2026-12-31T16:00:00.000Z")).toBe("2027-01-01 00:00");
    expect(formatBeijingTime("2026-06-30T15:59:59.999Z")).toBe("2026-06-30 23:59");
    expect(chinaDate("2026-12-31T16:00:00.000Z")).toBe("2027-01-01");
    expect(chinaDate("2026-12-31T15:59:59.999Z")).toBe("2026-12-31");
  });

  it("reads an instant with any offset", () => {
    expect(beijingWallClock("2026-11-20T06:30:00+02:00")).toBe("2026-11-20T12:30:00.000");
  });

  it("gives null for something that is not a timestamp or lies outside the years 0000 to 9999", () => {
    expect(formatBeijingTime("yesterday")).toBeNull();
    expect(chinaDate("yesterday")).toBeNull();
    expect(beijingWallClock("+275760-09-13T00:00:00.000Z")).toBeNull();
    expect(beijingWallClock("9999-12-31T20:00:00Z")).toBeNull();
  });

  it("turns a datetime-local value, read as Beijing time, into the instant it names", () => {
    expect(instantOfBeijingWallClock("2026-11-20T12:30")).toBe("2026-11-20T04:30:00.000Z");
    expect(instantOfBeijingWallClock("2027-01-01T07:59:30")).toBe("2026-12-31T23:59:30.000Z");
    expect(instantOfBeijingWallClock("2026-11-20T12:30:15.250")).toBe("2026-11-20T04:30:15.250Z");
  });

  it("refuses an empty, partial or impossible wall-clock time", () => {
    for (const text of ["", "2026-11-20", "2026-11-20T12", "2026-13-01T00:00", "2026-11-20T12:30Z"])
      expect(instantOfBeijingWallClock(text), text).toBeNull();
  });

  it("round-trips an instant through its wall-clock time", () => {
    for (const iso of [
      "2026-01-01T00:00:00.000Z",
      "2026-06-15T15:59:00.000Z",
      "2000-02-29T16:00:00.000Z",
    ]) {
      const wall = beijingWallClock(iso);
      expect(wall && instantOfBeijingWallClock(wall)).toBe(iso);
    }
  });
});

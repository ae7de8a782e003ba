import { describe, expect, it } from "vitest";
import {
  benchDelayMs,
  d1ServerTiming,
  sessionStart,
  validBookmark,
} from "../../src/lib/d1-session-start";

const BOOKMARK = "00000001-00000002-00004e6e-0123456789abcdef0123456789abcdef";

describe("sessionStart", () => {
  it("lets reads start on any replica", () => {
    expect(sessionStart("GET", "/v1/gi-products", null)).toBe("first-unconstrained");
    expect(sessionStart("HEAD", "/v1/alerts", null)).toBe("first-unconstrained");
  });

  it("starts writes on the primary", () => {
    expect(sessionStart("POST", "/v1/batches", null)).toBe("first-primary");
    expect(sessionStart("PATCH", "/v1/organizations/org_x", null)).toBe("first-primary");
    expect(sessionStart("POST", "/v1/scans/scn_x/location", null)).toBe("first-primary");
  });

  it("lets a scan read its label's context on any replica", () => {
    expect(sessionStart("POST", "/v1/scans", null)).toBe("first-unconstrained");
  });

  it("continues from the client's bookmark when it sends one", () => {
    expect(sessionStart("GET", "/v1/batches", BOOKMARK)).toBe(BOOKMARK);
    expect(sessionStart("POST", "/v1/batches", BOOKMARK)).toBe(BOOKMARK);
  });
});

describe("validBookmark", () => {
  it("accepts D1's bookmark shape", () => {
    expect(validBookmark(BOOKMARK)).toBe(BOOKMARK);
    expect(validBookmark(` ${BOOKMARK} `)).toBe(BOOKMARK);
  });

  it("ignores anything else", () => {
    for (const value of [undefined, null, "", "first-primary", "x".repeat(300), "0000-zz"]) {
      expect(validBookmark(value)).toBeNull();
    }
  });
});

describe("d1ServerTiming", () => {
  it("names round trips and rows read", () => {
    expect(d1ServerTiming({ roundTrips: 2, rowsRead: 17 })).toBe(
      'd1-round-trips;desc="2", d1-rows-read;desc="17"',
    );
  });
});

describe("benchDelayMs", () => {
  it("is the configured delay outside production", () => {
    expect(benchDelayMs("development", "20")).toBe(20);
    expect(benchDelayMs("test", undefined)).toBe(0);
    expect(benchDelayMs("development", "-5")).toBe(0);
    expect(benchDelayMs("development", "abc")).toBe(0);
  });

  it("is never applied in production", () => {
    expect(benchDelayMs("production", "20")).toBe(0);
  });
});

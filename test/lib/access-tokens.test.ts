import { describe, expect, it } from "vitest";
import { ACCESS_TOKEN_TTL_SECONDS, accessTokenTtl } from "../../src/lib/access-tokens";

describe("accessTokenTtl", () => {
  it("is 15 minutes unless a shorter lifetime is configured outside production", () => {
    expect(accessTokenTtl("development", undefined)).toBe(ACCESS_TOKEN_TTL_SECONDS);
    expect(accessTokenTtl("development", "8")).toBe(8);
    expect(accessTokenTtl("development", "86400")).toBe(ACCESS_TOKEN_TTL_SECONDS);
    expect(accessTokenTtl("development", "soon")).toBe(ACCESS_TOKEN_TTL_SECONDS);
    expect(accessTokenTtl("production", "8")).toBe(ACCESS_TOKEN_TTL_SECONDS);
  });
});

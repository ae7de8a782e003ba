import { describe, expect, it } from "vitest";
import {
  hashPassword,
  PASSWORD_ITERATIONS,
  verifyPassword,
  WORKERS_PBKDF2_MAX_ITERATIONS,
} from "../../src/lib/password";

describe("password hashing", () => {
  it("never exceeds the 100,000 PBKDF2 iterations Workers allows in production", () => {
    expect(WORKERS_PBKDF2_MAX_ITERATIONS).toBe(100_000);
    expect(PASSWORD_ITERATIONS).toBeLessThanOrEqual(WORKERS_PBKDF2_MAX_ITERATIONS);
  });

  it("stores a versioned string with algorithm, iterations, salt and hash", async () => {
    const stored = await hashPassword("correct horse battery");
    const [scheme, iterations, salt, hash] = stored.split("$");
    expect(scheme).toBe("pbkdf2-sha256");
    expect(Number(iterations)).toBe(PASSWORD_ITERATIONS);
    expect(atob(salt ?? "").length).toBe(16);
    expect(atob(hash ?? "").length).toBe(32);
  });

  it("salts: the same password hashes differently twice", async () => {
    expect(await hashPassword("same password")).not.toBe(await hashPassword("same password"));
  });

  it("verifies the right password and refuses a wrong one", async () => {
    const stored = await hashPassword("correct horse battery");
    expect((await verifyPassword("correct horse battery", stored)).ok).toBe(true);
    expect((await verifyPassword("correct horse batterY", stored)).ok).toBe(false);
  });

  it("asks for a rehash when the stored iteration count is old", async () => {
    const old = await hashPassword("older parameters", 1000);
    expect(await verifyPassword("older parameters", old)).toEqual({ ok: true, needsRehash: true });
  });

  it("refuses malformed or over-the-cap hash strings without throwing", async () => {
    for (const stored of [
      "",
      "md5$1$x$y",
      "pbkdf2-sha256$abc$x$y",
      "pbkdf2-sha256$200000$AAAA$AAAA",
    ]) {
      expect((await verifyPassword("anything", stored)).ok).toBe(false);
    }
  });
});

// GS1 Global Trade Item Numbers (GTIN-8, -12, -13, -14), stored as GTIN-14.

export type GtinParseResult = { ok: true; gtin14: string } | { ok: false; reason: string };

const GTIN_LENGTHS = new Set([8, 12, 13, 14]);

/** GS1 mod-10 check digit of the digits that precede it (weights 3,1,3,… from the right). */
export function gtinCheckDigit(digitsWithoutCheck: string): number {
  if (!/^\d+$/.test(digitsWithoutCheck)) {
    throw new Error("gtinCheckDigit expects a non-empty string of digits");
  }
  let sum = 0;
  for (let i = 0; i < digitsWithoutCheck.length; i++) {
    const digit = digitsWithoutCheck.charCodeAt(digitsWithoutCheck.length - 1 - i) - 48;
    sum += i % 2 === 0 ? digit * 3 : digit;
  }
  return (10 - (sum % 10)) % 10;
}

export function parseGtin(input: string): GtinParseResult {
  const digits = typeof input === "string" ? input.trim() : "";
  if (!/^\d+$/.test(digits)) {
    return { ok: false, reason: "A GTIN has digits only." };
  }
  if (!GTIN_LENGTHS.has(digits.length)) {
    return {
      ok: false,
      reason: `A GTIN has 8, 12, 13 or 14 digits; this one has ${digits.length}.`,
    };
  }
  const expected = gtinCheckDigit(digits.slice(0, -1));
  const given = Number(digits.at(-1));
  if (given !== expected) {
    return {
      ok: false,
      reason: `Wrong GTIN check digit: expected ${expected}, got ${given}.`,
    };
  }
  return { ok: true, gtin14: digits.padStart(14, "0") };
}

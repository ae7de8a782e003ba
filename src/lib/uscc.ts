// Unified Social Credit Code (统一社会信用代码), GB 32100-2015: 18 characters from an alphabet of
// digits and upper-case letters without I, O, S, V, Z; the last is a check character.
const ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function normalizeUscc(input: string): string {
  return input.trim().toUpperCase();
}

/** The check character for the first 17 characters, or null if any is outside the alphabet. */
export function usccCheckCharacter(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = ALPHABET.indexOf(first17[i] as string);
    if (value < 0) return null;
    sum += value * (WEIGHTS[i] as number);
  }
  return ALPHABET[(31 - (sum % 31)) % 31] as string;
}

export type UsccCheck =
  | { valid: true; uscc: string }
  | { valid: false; reason: string; expectedCheck?: string };

export function checkUscc(input: string): UsccCheck {
  const uscc = normalizeUscc(input);
  if (uscc.length !== 18) {
    return { valid: false, reason: `must be 18 characters, got ${uscc.length}` };
  }
  const bad = [...uscc].find((ch) => !ALPHABET.includes(ch));
  if (bad !== undefined) {
    return {
      valid: false,
      reason: `contains '${bad}', which is not in the GB 32100-2015 alphabet (no I, O, S, V, Z)`,
    };
  }
  const expected = usccCheckCharacter(uscc.slice(0, 17)) as string;
  if (uscc[17] !== expected) {
    return {
      valid: false,
      reason: `check character should be '${expected}', not '${uscc[17]}'`,
      expectedCheck: expected,
    };
  }
  return { valid: true, uscc };
}

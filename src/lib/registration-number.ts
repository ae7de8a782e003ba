// Plausible formats of GI registration numbers per protection type. These catch typos and
// numbers pasted into the wrong type; they do not prove that a number was ever issued.
import type { protectionTypes } from "../db/schema";

type ProtectionType = (typeof protectionTypes)[number];

/** Demo data carries this prefix so that it is never mistaken for an official number. */
export const DEMO_PREFIX = "DEMO-";

const formats: Record<ProtectionType, { pattern: RegExp; example: string; describe: string }> = {
  // 地理标志保护产品: announced by CNIPA (before 2018 by AQSIQ) as "<year>年第<n>号".
  gi_product: {
    pattern: /^(?:[\u4e00-\u9fa5]{2,16})?(?:19|20)\d{2}年第\d{1,4}号$/u,
    example: "2005年第171号",
    describe: "an announcement number like 2005年第171号",
  },
  // 地理标志证明商标 / 集体商标: trademark registration numbers are digits only.
  certification_mark: {
    pattern: /^\d{5,9}$/,
    example: "5981316",
    describe: "a trademark registration number of 5 to 9 digits",
  },
  collective_mark: {
    pattern: /^\d{5,9}$/,
    example: "17935214",
    describe: "a trademark registration number of 5 to 9 digits",
  },
  // 农产品地理标志 (MARA): certificate numbers "AGI" + 5 digits.
  agri_product_gi: {
    pattern: /^AGI\d{5}$/,
    example: "AGI02871",
    describe: "a certificate number like AGI02871",
  },
};

export function normalizeRegistrationNo(input: string): string {
  return input
    .trim()
    .replace(/\s+/g, "")
    .replace(/^agi/i, "AGI")
    .replace(/^demo-/i, DEMO_PREFIX);
}

/** Null when the number is plausible for the type, else a message saying what was expected. */
export function registrationNoProblem(type: ProtectionType, registrationNo: string): string | null {
  const format = formats[type];
  const number = registrationNo.startsWith(DEMO_PREFIX)
    ? registrationNo.slice(DEMO_PREFIX.length).replace(/^agi/i, "AGI")
    : registrationNo;
  return format.pattern.test(number)
    ? null
    : `for ${type} expected ${format.describe} (e.g. ${format.example})`;
}

// GS1 Digital Link URI syntax (1.4) for the GTIN primary key and the qualifiers this registry
// issues: /01/{gtin}[/10/{lot}][/21/{serial}], qualifiers in the standard's order.
import { parseGtin } from "./gtin";

export type DigitalLinkKey = { gtin14: string; lot?: string; serial?: string };

export type DigitalLinkParse = { ok: true; key: DigitalLinkKey } | { ok: false; reason: string };

/** GS1 AI encodable character set 82 (GS1 General Specifications §7.11, figure 7.11-1). */
const CSET82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]+$/;
const MAX_LOT_LENGTH = 20;
// AI 21 allows 20 characters, but labels printed before the 20-character code version carry
// 21-character serials and must keep resolving.
const MAX_SERIAL_LENGTH = 32;
const QUALIFIERS = ["10", "21"] as const;

/** GS1 Digital Link percent-encoding of an AI value: everything but RFC 3986 unreserved. */
export function encodeAiValue(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function decode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

function checkAiValue(ai: string, value: string | null): string | null {
  const name = ai === "10" ? "lot (AI 10)" : "serial (AI 21)";
  if (value === null) return `The ${name} is not valid percent-encoding.`;
  const max = ai === "10" ? MAX_LOT_LENGTH : MAX_SERIAL_LENGTH;
  if (value.length === 0 || value.length > max) {
    return `The ${name} has 1 to ${max} characters; this one has ${value.length}.`;
  }
  if (!CSET82.test(value)) return `The ${name} has characters outside GS1 AI character set 82.`;
  return null;
}

/**
 * Parses the path of an uncompressed Digital Link URI with primary key 01 (a trailing slash is
 * tolerated). GTIN-8, -12 and -13 are accepted and normalised to 14 digits.
 */
export function parseDigitalLinkPath(pathname: string): DigitalLinkParse {
  const trimmed = pathname.replace(/\/+$/, "");
  const segments = trimmed.split("/").slice(1);
  if (segments[0] !== "01" || segments.length < 2) {
    return { ok: false, reason: "A GTIN Digital Link starts with /01/{gtin}." };
  }
  if (segments.length % 2 !== 0) {
    return { ok: false, reason: "Every key qualifier needs an AI and a value." };
  }
  const gtin = parseGtin(decode(segments[1] as string) ?? "");
  if (!gtin.ok) return { ok: false, reason: `Malformed GTIN: ${gtin.reason}` };
  const key: DigitalLinkKey = { gtin14: gtin.gtin14 };
  let next = 0;
  for (let i = 2; i < segments.length; i += 2) {
    const ai = segments[i] as string;
    const position = QUALIFIERS.indexOf(ai as (typeof QUALIFIERS)[number]);
    if (position < 0) {
      return { ok: false, reason: `AI ${ai} is not a key qualifier of a GTIN supported here.` };
    }
    if (position < next) return { ok: false, reason: "Key qualifiers must be in order 10, 21." };
    next = position + 1;
    const value = decode(segments[i + 1] as string);
    const problem = checkAiValue(ai, value);
    if (problem) return { ok: false, reason: problem };
    if (ai === "10") key.lot = value as string;
    else key.serial = value as string;
  }
  return { ok: true, key };
}

/** The uncompressed, canonical Digital Link URI of a key on `origin` (scheme://host[:port]). */
export function digitalLinkUri(origin: string, key: DigitalLinkKey): string {
  let uri = `${origin.replace(/\/+$/, "")}/01/${key.gtin14}`;
  if (key.lot !== undefined) uri += `/10/${encodeAiValue(key.lot)}`;
  if (key.serial !== undefined) uri += `/21/${encodeAiValue(key.serial)}`;
  return uri;
}

/** The key and each level above it, most granular first: item, lot, GTIN. */
export function keyLevels(key: DigitalLinkKey): DigitalLinkKey[] {
  const levels: DigitalLinkKey[] = [key];
  if (key.serial !== undefined && key.lot !== undefined) {
    levels.push({ gtin14: key.gtin14, lot: key.lot });
  }
  if (key.serial !== undefined || key.lot !== undefined) levels.push({ gtin14: key.gtin14 });
  return levels;
}

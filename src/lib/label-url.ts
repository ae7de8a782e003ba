// URLs printed in label QR codes, and parsing of whatever a scanner hands back.
import { parseGtin } from "./gtin";
import { normalizeLabelCode } from "./label-code";

export type ScanInput =
  | { kind: "code"; code: string }
  | { kind: "digital_link"; gtin14: string; lot: string; serial: string }
  | { kind: "unrecognized" };

export const MAX_SCAN_INPUT_LENGTH = 2048;
// The WeChat wrapping is one or two levels deep; the bound keeps garbage from looping.
const MAX_UNWRAP_DEPTH = 4;
const UNRECOGNIZED: ScanInput = { kind: "unrecognized" };

/** `https://<host>` for a bare host; an origin with its own scheme (a local server's) as given. */
function originOf(hostOrOrigin: string): string {
  const trimmed = hostOrOrigin.trim().replace(/\/+$/, "");
  return /^https?:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
}

/**
 * `HTTPS://<HOST>/V/<CODE>`, all upper case: every character is then in the QR alphanumeric set,
 * which makes the symbol about a third smaller than byte mode. Scheme and host are
 * case-insensitive; the server matches the path case-insensitively.
 */
export function shortLabelUrl(hostOrOrigin: string, code: string): string {
  return `${originOf(hostOrOrigin).toUpperCase()}/V/${code.toUpperCase()}`;
}

/** GS1 Digital Link 1.2 percent-encoding of an AI value: everything but RFC 3986 unreserved. */
function encodeAiValue(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** `https://<host>/01/<gtin14>/10/<lot>/21/<code>`: GS1 Digital Link URI with the label code as serial (AI 21). */
export function digitalLinkUrl(
  hostOrOrigin: string,
  gtin14: string,
  lot: string,
  code: string,
): string {
  const gtin = parseGtin(gtin14);
  if (!gtin.ok) throw new Error(`digitalLinkUrl: ${gtin.reason}`);
  return `${originOf(hostOrOrigin)}/01/${gtin.gtin14}/10/${encodeAiValue(lot)}/21/${encodeAiValue(code)}`;
}

function decodeComponent(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

function fromPath(pathname: string): ScanInput | null {
  const segments = pathname.split("/").filter((s) => s !== "");
  const last = segments.at(-1);
  if (segments.length >= 2 && segments.at(-2)?.toLowerCase() === "v" && last !== undefined) {
    const code = normalizeLabelCode(decodeComponent(last) ?? "");
    return code === null ? null : { kind: "code", code };
  }
  // A Digital Link may sit under a path prefix; the primary key 01 starts the AI pairs.
  const start = segments.indexOf("01");
  if (start < 0) return null;
  const values = new Map<string, string>();
  for (let i = start; i + 1 < segments.length; i += 2) {
    const ai = segments[i] as string;
    const value = decodeComponent(segments[i + 1] as string);
    if (!/^\d{2,4}$/.test(ai) || value === null) return null;
    values.set(ai, value);
  }
  const gtin = parseGtin(values.get("01") ?? "");
  const lot = values.get("10");
  const serial = values.get("21");
  if (!gtin.ok || lot === undefined || serial === undefined) return null;
  return { kind: "digital_link", gtin14: gtin.gtin14, lot, serial };
}

function parseLayer(text: string, depth: number): ScanInput {
  if (depth > MAX_UNWRAP_DEPTH) return UNRECOGNIZED;
  const input = text.trim();
  if (input === "") return UNRECOGNIZED;

  const code = normalizeLabelCode(input);
  if (code !== null) return { kind: "code", code };

  // An encoded URL on its own, as WeChat's `q` holds it (and, nested, after one more decode).
  if (/^https?%(25)*3a/i.test(input)) {
    const decoded = decodeComponent(input);
    return decoded === null ? UNRECOGNIZED : parseLayer(decoded, depth + 1);
  }

  // A query string without a path: "q=…&scancode_time=…" or "?q=…".
  if (/^\??q=/i.test(input)) {
    const q = new URLSearchParams(input.replace(/^\?/, "")).get("q");
    return q === null ? UNRECOGNIZED : parseLayer(q, depth + 1);
  }

  let url: URL;
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(input);
  if (!hasScheme && !input.includes("/")) return UNRECOGNIZED;
  try {
    // Without a scheme this is a host-relative path such as "pages/verify/index?q=…"
    // or a URL whose scheme a scanner dropped.
    url = new URL(hasScheme ? input : `https://${input.replace(/^\/+/, "")}`);
  } catch {
    return UNRECOGNIZED;
  }
  const fromUrlPath = fromPath(url.pathname);
  if (fromUrlPath !== null) return fromUrlPath;

  const q = url.searchParams.get("q");
  return q === null ? UNRECOGNIZED : parseLayer(q, depth + 1);
}

/**
 * What a scan delivered: a bare code (any case, hyphens allowed), a short /v/ URL (any host,
 * any case), a GS1 Digital Link URI (serial returned as decoded; callers normalize it as a
 * label code), or any of these URL-encoded in WeChat's `q` parameter (the mini-program route
 * of "扫普通链接二维码打开小程序"), possibly nested. Never throws.
 */
export function parseScanInput(input: string): ScanInput {
  if (typeof input !== "string" || input.length > MAX_SCAN_INPUT_LENGTH) return UNRECOGNIZED;
  try {
    return parseLayer(input, 0);
  } catch {
    return UNRECOGNIZED;
  }
}

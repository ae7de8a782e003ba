// What opened the verdict page: a label URL in WeChat's `q` (扫普通链接二维码打开小程序), a code
// passed by our own pages, or what wx.scanCode read. The server decides genuineness; this only
// tells our label links from anything else, without the URL global (mini-programs lack it).

export type LabelTarget =
  | { kind: "code"; code: string }
  | { kind: "digital_link"; url: string }
  | { kind: "not_ours"; raw: string };

/** A label code as printed (any case, hyphens or spaces between groups). */
// Both code versions: 20 characters (issued now) and 21 (the first releases).
const CODE = /^[0-9A-Za-z]{20,21}$/;
const MAX_INPUT = 2048;
const MAX_DECODES = 3;

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** `q` arrives encoded once by WeChat (and a second time if the QR itself held an encoded URL). */
function unwrap(text: string): string {
  let value = text.trim();
  for (let i = 0; i < MAX_DECODES && /^https?%(25)*3a/i.test(value); i++)
    value = decode(value).trim();
  return value;
}

export function normalizeCode(text: string): string | null {
  const code = text.replace(/[\s-]/g, "");
  return CODE.test(code) ? code.toUpperCase() : null;
}

/** Reads a scanned or launched text against the hosts our labels are printed with. */
export function parseLabelText(text: string, labelHosts: readonly string[]): LabelTarget {
  if (typeof text !== "string" || text.length > MAX_INPUT) return { kind: "not_ours", raw: "" };
  const raw = unwrap(text);
  const bare = normalizeCode(raw);
  if (bare) return { kind: "code", code: bare };
  const m = /^https?:\/\/([^/?#]+)(\/[^?#]*)?/i.exec(raw);
  const host = m?.[1]?.toLowerCase();
  if (!m || !host || !labelHosts.some((h) => h.toLowerCase() === host)) {
    return { kind: "not_ours", raw };
  }
  const segments = (m[2] ?? "").split("/").filter((s) => s !== "");
  if (segments.length === 2 && segments[0]?.toLowerCase() === "v") {
    const code = normalizeCode(decode(segments[1] ?? ""));
    return code ? { kind: "code", code } : { kind: "not_ours", raw };
  }
  // GS1 Digital Link: /01/<GTIN-14>/10/<lot>/21/<serial>; the server resolves the serial.
  const start = segments.indexOf("01");
  const pairs = start >= 0 ? segments.slice(start) : [];
  const ai = (key: string) => {
    const i = pairs.indexOf(key);
    return i >= 0 && i % 2 === 0 ? pairs[i + 1] : undefined;
  };
  if (/^\d{14}$/.test(ai("01") ?? "") && ai("10") && ai("21")) {
    return { kind: "digital_link", url: raw };
  }
  return { kind: "not_ours", raw };
}

/**
 * The verdict page's query: `q` (the plain-link QR launch, scancode_time beside it), or `code`
 * and `url` from our own navigation. Null when the page was opened with nothing to check.
 */
export function parseLaunchQuery(
  query: Record<string, string | undefined>,
  labelHosts: readonly string[],
): LabelTarget | null {
  const given = query.q ?? query.url ?? query.code;
  if (given === undefined || given === "") return null;
  return parseLabelText(query.q !== undefined ? decode(query.q) : decode(given), labelHosts);
}

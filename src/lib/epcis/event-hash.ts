// EPCIS Event Hash ID (CBV 2.0 §8.9): a canonical pre-hash string of the event's fields, hashed
// with SHA-256 into `ni:///sha-256;<hex>?ver=CBV2.0`. Implemented for the fields this registry
// writes and stores (ObjectEvent, AggregationEvent and TransactionEvent core fields, business
// transactions, sources and destinations); sensor elements, ILMD and user extensions are not part
// of the pre-hash here.
import { gtinCheckDigit } from "../gtin";

type Json = Record<string, unknown>;

const CBV = "https://ref.gs1.org/cbv/";
const VOCAB_PREFIX: Record<string, string> = {
  bizStep: "BizStep-",
  disposition: "Disp-",
  bizTransactionType: "BTT-",
  sourceDestType: "SDT-",
};
const URN_VOCAB: Record<string, string> = {
  "urn:epcglobal:cbv:bizstep:": "BizStep-",
  "urn:epcglobal:cbv:disp:": "Disp-",
  "urn:epcglobal:cbv:btt:": "BTT-",
  "urn:epcglobal:cbv:sdt:": "SDT-",
};

/** A CBV value as a Web URI: bare words, `cbv:` CURIEs and URNs are expanded. */
function vocabulary(value: string, kind: keyof typeof VOCAB_PREFIX): string {
  const v = value.trim();
  for (const [urn, prefix] of Object.entries(URN_VOCAB)) {
    if (v.startsWith(urn)) return `${CBV}${prefix}${v.slice(urn.length)}`;
  }
  if (v.startsWith("cbv:")) return `${CBV}${v.slice(4)}`;
  if (/^[a-z_]+$/.test(v)) return `${CBV}${VOCAB_PREFIX[kind]}${v}`;
  return v;
}

const withCheck = (digits: string) => `${digits}${gtinCheckDigit(digits)}`;

/** EPC URNs (SGTIN, LGTIN class, SGLN) and Digital Links as constrained canonical Digital Links. */
export function canonicalIdentifier(value: string): string {
  const v = value.trim();
  let m = /^urn:epc:id:sgtin:(\d+)\.(\d)(\d*)\.(.+)$/.exec(v);
  if (m) return `https://id.gs1.org/01/${withCheck(`${m[2]}${m[1]}${m[3]}`)}/21/${m[4]}`;
  m = /^urn:epc:class:lgtin:(\d+)\.(\d)(\d*)\.(.+)$/.exec(v);
  if (m) return `https://id.gs1.org/01/${withCheck(`${m[2]}${m[1]}${m[3]}`)}/10/${m[4]}`;
  m = /^urn:epc:idpat:sgtin:(\d+)\.(\d)(\d*)\.\*$/.exec(v);
  if (m) return `https://id.gs1.org/01/${withCheck(`${m[2]}${m[1]}${m[3]}`)}`;
  m = /^urn:epc:id:sgln:(\d+)\.(\d*)\.(.+)$/.exec(v);
  if (m) {
    const gln = withCheck(`${m[1]}${m[2]}`);
    return m[3] === "0"
      ? `https://id.gs1.org/414/${gln}`
      : `https://id.gs1.org/414/${gln}/254/${m[3]}`;
  }
  const dl = /^https?:\/\/[^/]+(?:\/.*?)?(\/01\/\d{14}(?:\/[^?#]*)?)(?:[?#].*)?$/.exec(v);
  if (dl) {
    const path = dl[1] as string;
    // Only the most granular key: a serial drops the lot, a lot stays alone.
    const serial = /\/21\/([^/]+)/.exec(path);
    const gtin = path.slice(4, 18);
    if (serial) return `https://id.gs1.org/01/${gtin}/21/${serial[1]}`;
    const lot = /\/10\/([^/]+)/.exec(path);
    return lot ? `https://id.gs1.org/01/${gtin}/10/${lot[1]}` : `https://id.gs1.org/01/${gtin}`;
  }
  return v;
}

/** UTC with millisecond precision, the 4th decimal rounding the 3rd. */
export function canonicalTime(value: string): string {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/i.exec(value.trim());
  if (!m) return value.trim();
  const fraction = m[2] ?? "";
  const ms = Math.round(Number(`0.${fraction || "0"}`) * 1000);
  const base = Date.parse(`${m[1]}${m[3]}`);
  return new Date(base + ms).toISOString();
}

function canonicalNumber(value: unknown): string {
  return String(Number(value));
}

const sorted = (items: string[]) => [...items].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

function epcs(name: string, list: unknown): string {
  if (!Array.isArray(list) || list.length === 0) return "";
  return `${name}${sorted(list.map((e) => `epc=${canonicalIdentifier(String(e))}`)).join("")}`;
}

function quantities(name: string, list: unknown): string {
  if (!Array.isArray(list) || list.length === 0) return "";
  const items = list.map((q: Json) => {
    let s = `epcClass=${canonicalIdentifier(String(q.epcClass))}`;
    if (q.quantity !== undefined) s += `quantity=${canonicalNumber(q.quantity)}`;
    if (q.uom !== undefined) s += `uom=${String(q.uom).trim()}`;
    return s;
  });
  return `${name}${sorted(items).join("")}`;
}

function typed(
  name: string,
  list: unknown,
  valueKey: string,
  typeKind: "bizTransactionType" | "sourceDestType",
) {
  if (!Array.isArray(list) || list.length === 0) return "";
  const items = list.map((entry: Json) => {
    const value = `${valueKey}=${canonicalIdentifier(String(entry[valueKey]))}`;
    return entry.type === undefined
      ? value
      : `type=${vocabulary(String(entry.type), typeKind)}${value}`;
  });
  return `${name}${sorted(items).join("")}`;
}

const field = (name: string, value: unknown, map: (v: string) => string = (v) => v.trim()) =>
  value === undefined || value === null ? "" : `${name}=${map(String(value))}`;

/** The canonical pre-hash string of an EPCIS 2.0 JSON event. */
export function eventPreHash(event: Json): string {
  const place = (name: string, value: unknown) =>
    value && typeof value === "object" && "id" in value
      ? `${name}id=${canonicalIdentifier(String((value as Json).id))}`
      : "";
  return [
    field("eventType", event.type),
    field("eventTime", event.eventTime, canonicalTime),
    field("eventTimeZoneOffset", event.eventTimeZoneOffset),
    epcs("epcList", event.epcList),
    field("parentID", event.parentID, canonicalIdentifier),
    epcs("inputEPCList", event.inputEPCList),
    epcs("childEPCs", event.childEPCs),
    quantities("quantityList", event.quantityList),
    quantities("childQuantityList", event.childQuantityList),
    quantities("inputQuantityList", event.inputQuantityList),
    epcs("outputEPCList", event.outputEPCList),
    quantities("outputQuantityList", event.outputQuantityList),
    field("action", event.action),
    field("transformationID", event.transformationID),
    field("bizStep", event.bizStep, (v) => vocabulary(v, "bizStep")),
    field("disposition", event.disposition, (v) => vocabulary(v, "disposition")),
    place("readPoint", event.readPoint),
    place("bizLocation", event.bizLocation),
    typed("bizTransactionList", event.bizTransactionList, "bizTransaction", "bizTransactionType"),
    typed("sourceList", event.sourceList, "source", "sourceDestType"),
    typed("destinationList", event.destinationList, "destination", "sourceDestType"),
  ].join("");
}

/** `ni:///sha-256;<hex>?ver=CBV2.0` of the event (RFC 6920 named information). */
export async function eventHashId(event: Json): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(eventPreHash(event)),
  );
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `ni:///sha-256;${hex}?ver=CBV2.0`;
}

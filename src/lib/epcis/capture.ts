// Rules of EPCIS capture: the document is valid against the EPCIS 2.0 JSON schema, each event
// names the batches it is about (by Digital Link, label URL or batch class URI), and its CBV
// business step becomes one of our trace event types (unknown steps stay readable as "other").
import { Validator } from "@cfworker/json-schema";
import epcisSchema from "../../data/gs1/epcis-json-schema.json";
import { parseDigitalLinkPath } from "../digital-link";
import type { FieldError } from "../errors";
import type { TraceEventType } from "../trace-events";

type Json = Record<string, unknown>;

let validator: Validator | undefined;

/**
 * GS1's EPCIS 2.0 JSON schema as vendored, with its `#/definitions/%40context` references
 * renamed: @cfworker/json-schema does not unescape percent-encoded JSON pointers.
 */
export function epcisJsonSchema(): Json {
  const text = JSON.stringify(epcisSchema).replaceAll(
    "#/definitions/%40context",
    "#/definitions/ldContext",
  );
  const schema = JSON.parse(text) as { definitions: Json };
  schema.definitions.ldContext = schema.definitions["@context"];
  return schema;
}

/** Errors of `document` against the EPCIS 2.0 JSON schema (gs1/EPCIS), at most `max`. */
export function epcisSchemaErrors(document: unknown, max = 20): FieldError[] {
  validator ??= new Validator(epcisJsonSchema(), "7", false);
  const result = validator.validate(document);
  if (result.valid) return [];
  // The validator reports every failing branch; the deepest locations say what is wrong.
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const error of [...result.errors].reverse()) {
    const path = `body${error.instanceLocation.replace(/^#/, "").replaceAll("/", ".")}`;
    const key = `${path} ${error.error}`;
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push({ path, message: error.error });
    if (errors.length >= max) break;
  }
  return errors;
}

const STEP_TYPES: Record<string, TraceEventType> = {
  commissioning: "harvest",
  creating_class_instance: "processing",
  assembling: "processing",
  inspecting: "inspection",
  sampling: "inspection",
  packing: "packing",
  repackaging: "packing",
  shipping: "shipping",
  departing: "shipping",
  transporting: "shipping",
  arriving: "receiving",
  receiving: "receiving",
  accepting: "receiving",
  retail_selling: "retail",
};

/** The bare CBV step of `bizStep` (a word, `cbv:` CURIE, Web URI or URN), or the value itself. */
export function bareBizStep(bizStep: unknown): string | null {
  if (typeof bizStep !== "string" || bizStep.trim() === "") return null;
  const v = bizStep.trim();
  const m = /(?:BizStep-|urn:epcglobal:cbv:bizstep:|^cbv:BizStep-)([a-z_]+)$/.exec(v);
  return m ? (m[1] as string) : v;
}

export const traceTypeOfStep = (step: string | null): TraceEventType =>
  (step && STEP_TYPES[step]) || "other";

export type EpcTarget =
  | { kind: "lot"; gtin14: string; lot: string }
  | { kind: "item"; serial: string; gtin14?: string; lot?: string }
  | { kind: "batch"; batchId: string }
  | { kind: "unknown"; value: string };

/** What an identifier in an event names in this registry. */
export function epcTarget(value: string): EpcTarget {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { kind: "unknown", value };
  }
  const path = url.pathname;
  const v = /^\/v\/([^/]+)\/?$/i.exec(path);
  if (v) return { kind: "item", serial: decodeURIComponent(v[1] as string) };
  const batch = /^\/v1\/batches\/([^/]+)\/?$/.exec(path);
  if (batch) return { kind: "batch", batchId: decodeURIComponent(batch[1] as string) };
  const start = path.indexOf("/01/");
  if (start >= 0) {
    const parsed = parseDigitalLinkPath(path.slice(start));
    if (parsed.ok) {
      const { gtin14, lot, serial } = parsed.key;
      if (serial !== undefined) return { kind: "item", serial, gtin14, lot };
      if (lot !== undefined) return { kind: "lot", gtin14, lot };
    }
  }
  return { kind: "unknown", value };
}

/** Every identifier of an event that names objects: EPCs, classes, parents, inputs, outputs. */
export function eventIdentifiers(event: Json): string[] {
  const list = (key: string) => (Array.isArray(event[key]) ? (event[key] as unknown[]) : []);
  const classes = (key: string) =>
    list(key).flatMap((q) =>
      q && typeof q === "object" && typeof (q as Json).epcClass === "string"
        ? [(q as Json).epcClass as string]
        : [],
    );
  return [
    ...list("epcList"),
    ...list("childEPCs"),
    ...list("inputEPCList"),
    ...list("outputEPCList"),
    ...(typeof event.parentID === "string" ? [event.parentID] : []),
    ...classes("quantityList"),
    ...classes("childQuantityList"),
    ...classes("inputQuantityList"),
    ...classes("outputQuantityList"),
  ].filter((e): e is string => typeof e === "string");
}

/** A `geo:lat,lng` read point or business location, as numbers. */
export function geoOf(place: unknown): { lat: number; lng: number } | null {
  if (!place || typeof place !== "object") return null;
  const m = /^geo:(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)/.exec(String((place as Json).id ?? ""));
  if (!m) return null;
  const lat = Number(m[1]);
  const lng = Number(m[2]);
  return Math.abs(lat) <= 90 && Math.abs(lng) <= 180 ? { lat, lng } : null;
}

// The EPCIS 2.0 JSON-LD document of a batch: a commissioning ObjectEvent for its labels and one
// ObjectEvent per trace event, with CBV 2.0 business steps and dispositions.
import { BEIJING_OFFSET, beijingWallClock } from "../beijing-time";
import { cbvBusinessStep, type TraceEventType } from "../trace-events";
import { eventHashId } from "./event-hash";

export const EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";

type Json = Record<string, unknown>;

const disposition: Record<TraceEventType, string> = {
  harvest: "active",
  catch: "active",
  landing: "in_progress",
  processing: "in_progress",
  inspection: "conformant",
  packing: "in_progress",
  shipping: "in_transit",
  receiving: "in_progress",
  retail: "retail_sold",
  other: "unknown",
};

// UN/CEFACT Recommendation 20 codes of the units batches are counted in; other units
// (boxes, bundles) are counts and carry no uom.
const UOM: Record<string, string> = { kg: "KGM", g: "GRM", t: "TNE", l: "LTR", ml: "MLT" };

/**
 * `2026-11-20T12:30:00.000+08:00` for `2026-11-20T04:30:00.000Z`: producers' events are told in
 * China Standard Time, the zone they happen in.
 */
export function localTime(utc: string): string {
  const wall = beijingWallClock(utc);
  if (wall === null) throw new RangeError(`a stored time that is no instant: ${utc}`);
  return `${wall}${BEIJING_OFFSET}`;
}

export const geoUri = (lat: number, lng: number) => `geo:${lat},${lng}`;

export type EpcisBatch = {
  id: string;
  lotCode: string;
  quantity: number;
  unit: string;
  producedAt: string;
  /** The class of the batch's items: the lot's Digital Link, or our batch URI without a GTIN. */
  classUri: string;
  site: { lat: number; lng: number };
};

export type EpcisTraceEvent = {
  type: TraceEventType;
  occurredAt: string;
  lat: number | null;
  lng: number | null;
  placeName: string | null;
  data: Json | null;
  /** The event as captured through the EPCIS interface, answered as it was sent. */
  epcisEvent: Json | null;
};

/** Our extension terms (place names, event data) in the `gitrace:` namespace. */
export const extensionContext = (origin: string) => ({ gitrace: `${origin}/ns/epcis#` });

async function withEventId(event: Json): Promise<Json> {
  return { eventID: await eventHashId(event), ...event };
}

export async function commissioningEvent(batch: EpcisBatch, epcs: string[]): Promise<Json> {
  const uom = UOM[batch.unit.toLowerCase()];
  return withEventId({
    type: "ObjectEvent",
    eventTime: localTime(batch.producedAt),
    eventTimeZoneOffset: BEIJING_OFFSET,
    epcList: epcs,
    quantityList: [{ epcClass: batch.classUri, quantity: batch.quantity, ...(uom ? { uom } : {}) }],
    action: "ADD",
    bizStep: "commissioning",
    disposition: "active",
    readPoint: { id: geoUri(batch.site.lat, batch.site.lng) },
    bizLocation: { id: geoUri(batch.site.lat, batch.site.lng) },
  });
}

export async function traceObjectEvent(batch: EpcisBatch, event: EpcisTraceEvent): Promise<Json> {
  if (event.epcisEvent) return event.epcisEvent;
  return withEventId({
    type: "ObjectEvent",
    eventTime: localTime(event.occurredAt),
    eventTimeZoneOffset: BEIJING_OFFSET,
    epcList: [],
    quantityList: [{ epcClass: batch.classUri }],
    action: "OBSERVE",
    bizStep: cbvBusinessStep[event.type],
    disposition: disposition[event.type],
    ...(event.lat !== null && event.lng !== null
      ? { readPoint: { id: geoUri(event.lat, event.lng) } }
      : {}),
    ...(event.placeName ? { "gitrace:placeName": event.placeName } : {}),
    ...(event.data ? { "gitrace:data": event.data } : {}),
  });
}

export function epcisDocument(origin: string, id: string, events: Json[], now: Date): Json {
  return {
    "@context": [EPCIS_CONTEXT, extensionContext(origin)],
    id,
    type: "EPCISDocument",
    schemaVersion: "2.0",
    creationDate: now.toISOString(),
    epcisBody: { eventList: events },
  };
}

export async function batchEpcisDocument(input: {
  origin: string;
  batch: EpcisBatch;
  epcs: string[];
  events: EpcisTraceEvent[];
  now: Date;
}): Promise<Json> {
  const events = [
    await commissioningEvent(input.batch, input.epcs),
    ...(await Promise.all(input.events.map((event) => traceObjectEvent(input.batch, event)))),
  ];
  return epcisDocument(
    input.origin,
    `${input.origin}/v1/batches/${input.batch.id}/epcis`,
    events,
    input.now,
  );
}

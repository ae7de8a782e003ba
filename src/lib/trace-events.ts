import type { traceEventTypes } from "../db/schema";

export type TraceEventType = (typeof traceEventTypes)[number];

/** GS1 Core Business Vocabulary (CBV 2.0) business step of each trace event type. */
export const cbvBusinessStep: Record<TraceEventType, string> = {
  harvest: "commissioning",
  catch: "commissioning",
  landing: "arriving",
  processing: "creating_class_instance",
  inspection: "inspecting",
  packing: "packing",
  shipping: "shipping",
  receiving: "receiving",
  retail: "retail_selling",
};

export const cbvUri = (type: TraceEventType) =>
  `https://ref.gs1.org/cbv/BizStep-${cbvBusinessStep[type]}`;

/** Trace event data is shown to consumers: small, flat-ish JSON only. */
export const MAX_EVENT_DATA_BYTES = 4096;
export const MAX_EVENT_DATA_DEPTH = 4;

export function jsonDepth(value: unknown): number {
  if (value === null || typeof value !== "object") return 0;
  const children = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
  return 1 + children.reduce<number>((max, child) => Math.max(max, jsonDepth(child)), 0);
}

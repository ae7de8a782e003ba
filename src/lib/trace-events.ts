import type { traceEventTypes } from "../db/schema";
import { wordFor } from "./i18n/domain-words";

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
  other: "other",
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

/**
 * The name of a trace step in the reader's language: our type's word, or for a captured event
 * whose CBV step has no type of its own, that step's name (never the bare identifier).
 */
export function traceStepName(
  type: TraceEventType,
  bizStep: string | null,
  lang: "zh" | "en",
): string {
  if (type !== "other" || !bizStep) return wordFor("traceStep", type, lang);
  return wordFor("cbvBusinessStep", bizStep, lang);
}

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

/**
 * Nesting depth of a JSON value (a scalar is 0), walked without recursion and given up past
 * `limit`: a body nested thousands of levels deep must answer 400, not overflow the stack.
 */
export function jsonDepth(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (node === null || typeof node !== "object") continue;
    const here = depth + 1;
    if (here > deepest) deepest = here;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, here]);
  }
  return deepest;
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

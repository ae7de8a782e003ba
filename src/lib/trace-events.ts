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

const TYPE_NAMES: Record<"zh" | "en", Record<TraceEventType, string>> = {
  zh: {
    harvest: "采收",
    catch: "捕捞",
    landing: "上岸",
    processing: "加工",
    inspection: "检验",
    packing: "包装",
    shipping: "发运",
    receiving: "收货",
    retail: "零售",
    other: "其他",
  },
  en: {
    harvest: "Harvest",
    catch: "Catch",
    landing: "Landing",
    processing: "Processing",
    inspection: "Inspection",
    packing: "Packing",
    shipping: "Shipping",
    receiving: "Receiving",
    retail: "Retail",
    other: "Other",
  },
};

// CBV 2.0 business steps partners send that have no trace type of their own.
const CBV_STEP_NAMES_ZH: Record<string, string> = {
  storing: "仓储",
  holding: "暂存",
  loading: "装货",
  unloading: "卸货",
  staging_outbound: "待发",
  stocking: "上架",
  picking: "拣货",
  sensor_reporting: "温湿度记录",
  cycle_counting: "盘点",
  stock_taking: "盘点",
  destroying: "销毁",
  decommissioning: "注销",
  entering_exiting: "出入",
  unpacking: "拆包",
  consigning: "交付承运",
  collecting: "集货",
  other: "其他",
};

/**
 * The name of a trace step in the reader's language: our type's word, or for a captured event
 * whose CBV step has no type of its own, that step's name (never the bare identifier).
 */
export function traceStepName(
  type: TraceEventType,
  bizStep: string | null,
  lang: "zh" | "en",
): string {
  if (type !== "other" || !bizStep) return TYPE_NAMES[lang][type];
  if (lang === "zh") return CBV_STEP_NAMES_ZH[bizStep] ?? `${TYPE_NAMES.zh.other}（${bizStep}）`;
  const words = bizStep.replaceAll("_", " ").replace(/^https?:\/\/\S*[/-]/, "");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

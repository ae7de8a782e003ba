import { z } from "@hono/zod-openapi";
import type { RuleId, Severity } from "./types";

/** How many distinct client keys a label keeps; many_clients.max_clients stays below it. */
export const MAX_TRACKED_CLIENT_KEYS = 32;
/** How many distinct prefecture codes a label keeps; wide_spread.min_regions stays within it. */
export const MAX_TRACKED_SCAN_REGIONS = 32;

interface Limit {
  min: number;
  max: number;
  integer: boolean;
}

/** Bounds of every numeric setting; the schemas are built from them. */
export const riskSettingsLimits = {
  general: {
    alert_cooldown_minutes: { min: 1, max: 7 * 24 * 60, integer: true },
  },
  forged_code: {
    burst_count: { min: 2, max: 10_000, integer: true },
    burst_window_minutes: { min: 1, max: 24 * 60, integer: true },
  },
  many_clients: {
    // The stored list is capped, so a higher threshold could never be exceeded.
    max_clients: { min: 1, max: MAX_TRACKED_CLIENT_KEYS - 1, integer: true },
  },
  impossible_travel: {
    max_speed_kmh: { min: 100, max: 5000, integer: false },
    min_distance_km: { min: 1, max: 5000, integer: false },
  },
  wide_spread: {
    min_regions: { min: 2, max: MAX_TRACKED_SCAN_REGIONS, integer: true },
  },
  batch_anomaly: {
    min_share: { min: 0.01, max: 1, integer: false },
    min_labels: { min: 1, max: 1_000_000, integer: true },
  },
} as const satisfies Record<string, Record<string, Limit>>;

const L = riskSettingsLimits;

function bounded(limit: Limit) {
  const number = limit.integer ? z.number().int() : z.number();
  return number.min(limit.min).max(limit.max);
}

const enabled = z.boolean().openapi({ description: "A disabled rule never fires." });

const GeneralSettingsSchema = z.strictObject({
  alert_cooldown_minutes: bounded(L.general.alert_cooldown_minutes).openapi({
    description: "An alert for the same (subject, rule) within this time updates the open one.",
  }),
});
const ToggleSettingsSchema = z.strictObject({ enabled });
/** The settings of a rule that has thresholds: `enabled` and one bounded number per limit. */
function ruleSettings<S extends Record<string, Limit>>(limits: S) {
  const thresholds = Object.fromEntries(
    Object.entries(limits).map(([name, limit]) => [name, bounded(limit)]),
  ) as { [K in keyof S]: ReturnType<typeof bounded> };
  return z.strictObject({ enabled, ...thresholds });
}

const ForgedCodeSettingsSchema = ruleSettings(L.forged_code);
const ManyClientsSettingsSchema = ruleSettings(L.many_clients);
const ImpossibleTravelSettingsSchema = ruleSettings(L.impossible_travel);
const WideSpreadSettingsSchema = ruleSettings(L.wide_spread);
const BatchAnomalySettingsSchema = ruleSettings(L.batch_anomaly);

export const RiskSettingsSchema = z
  .strictObject({
    general: GeneralSettingsSchema,
    forged_code: ForgedCodeSettingsSchema.openapi({
      description:
        "An unknown or forged code is always invalid; this rule raises a forgery-probe alert " +
        "when burst_count invalid scans come from one client or region within the window.",
    }),
    voided_label: ToggleSettingsSchema,
    recalled_batch: ToggleSettingsSchema,
    unreleased_batch: ToggleSettingsSchema,
    authorization_lapsed: ToggleSettingsSchema,
    past_shelf_life: ToggleSettingsSchema,
    many_clients: ManyClientsSettingsSchema.openapi({
      description: "Fires when more than max_clients distinct clients scanned the code.",
    }),
    impossible_travel: ImpossibleTravelSettingsSchema.openapi({
      description:
        "Fires when two consecutive scans are more than min_distance_km apart at an implied " +
        "speed above max_speed_kmh.",
    }),
    wide_spread: WideSpreadSettingsSchema.openapi({
      description: "Fires when the code was scanned in at least min_regions prefectures.",
    }),
    batch_anomaly: BatchAnomalySettingsSchema.openapi({
      description:
        "Alerts on a batch when at least min_labels of its labels were scanned and a share of " +
        "at least min_share of them were flagged as copied.",
    }),
  })
  .openapi("RiskSettings");

export const RiskSettingsPatchSchema = z
  .strictObject({
    general: GeneralSettingsSchema.partial().optional(),
    forged_code: ForgedCodeSettingsSchema.partial().optional(),
    voided_label: ToggleSettingsSchema.partial().optional(),
    recalled_batch: ToggleSettingsSchema.partial().optional(),
    unreleased_batch: ToggleSettingsSchema.partial().optional(),
    authorization_lapsed: ToggleSettingsSchema.partial().optional(),
    past_shelf_life: ToggleSettingsSchema.partial().optional(),
    many_clients: ManyClientsSettingsSchema.partial().optional(),
    impossible_travel: ImpossibleTravelSettingsSchema.partial().optional(),
    wide_spread: WideSpreadSettingsSchema.partial().optional(),
    batch_anomaly: BatchAnomalySettingsSchema.partial().optional(),
  })
  .openapi("RiskSettingsPatch");

export type RiskSettings = z.infer<typeof RiskSettingsSchema>;
export type RiskSettingsPatch = z.infer<typeof RiskSettingsPatchSchema>;
export type RiskSettingsSection = keyof RiskSettings;
export type RuleToggle = RiskSettings["voided_label"];

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (typeof child === "object" && child !== null) deepFreeze(child);
  }
  return Object.freeze(value);
}

/** DESIGN section 5. Frozen: take a copy from mergeRiskSettings to change it. */
export const defaultRiskSettings: RiskSettings = deepFreeze({
  general: { alert_cooldown_minutes: 60 },
  forged_code: { enabled: true, burst_count: 20, burst_window_minutes: 10 },
  voided_label: { enabled: true },
  recalled_batch: { enabled: true },
  unreleased_batch: { enabled: true },
  authorization_lapsed: { enabled: true },
  past_shelf_life: { enabled: true },
  many_clients: { enabled: true, max_clients: 3 },
  impossible_travel: { enabled: true, max_speed_kmh: 900, min_distance_km: 50 },
  wide_spread: { enabled: true, min_regions: 3 },
  batch_anomaly: { enabled: true, min_share: 0.1, min_labels: 20 },
});

/** Severity of the alert each rule raises (past_shelf_life raises none; its hits still carry it). */
export const ruleSeverity: Readonly<Record<RuleId, Severity>> = Object.freeze({
  forged_code: "high",
  voided_label: "high",
  recalled_batch: "medium",
  unreleased_batch: "medium",
  authorization_lapsed: "high",
  past_shelf_life: "low",
  many_clients: "medium",
  impossible_travel: "high",
  wide_spread: "medium",
  batch_anomaly: "critical",
});

/**
 * The alerts of consumers' reports. A report is no risk rule of the scan path (nothing evaluates
 * it on scans), but its alerts share the scan path's upsert and cooldown, whose hit type names
 * the rule as a RuleId. They open medium.
 */
export const CONSUMER_REPORT = "consumer_report" as string as RuleId;
export const consumerReportSeverity: Severity = "medium";

/**
 * The severity every alert of `rule` opens with. An alert keeps it for good, so open alerts by
 * severity follow exactly from open alerts by rule. Null for a rule this build does not know.
 */
export function severityOfRule(rule: string): Severity | null {
  if (rule === CONSUMER_REPORT) return consumerReportSeverity;
  return Object.hasOwn(ruleSeverity, rule) ? ruleSeverity[rule as RuleId] : null;
}

/** Open alerts per severity, from open alerts per rule (a rule this build lacks counts nowhere). */
export function openAlertsBySeverity(
  byRule: readonly { rule: string; open: number }[],
): Record<Severity, number> {
  const counts: Record<Severity, number> = { low: 0, medium: 0, high: 0, critical: 0 };
  for (const { rule, open } of byRule) {
    const severity = severityOfRule(rule);
    if (severity) counts[severity] += open;
  }
  return counts;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseStored(stored: unknown): unknown {
  if (typeof stored !== "string") return stored;
  try {
    return JSON.parse(stored);
  } catch {
    return undefined;
  }
}

/**
 * The effective settings: `stored` (an object or its JSON text, as kept in the database)
 * overlaid on the defaults, then `patch` (a partial update) overlaid on that.
 *
 * `stored` is read leniently, field by field, so that a row written before a setting was added,
 * renamed or its bounds tightened still yields valid settings (bad fields fall back to the
 * default). `patch` is validated strictly with RiskSettingsPatchSchema and a ZodError is thrown
 * when it is invalid.
 */
export function mergeRiskSettings(stored: unknown, patch?: unknown): RiskSettings {
  const merged = structuredClone(defaultRiskSettings) as RiskSettings;
  const sections = Object.keys(merged) as RiskSettingsSection[];

  const storedValue = parseStored(stored);
  if (isRecord(storedValue)) {
    for (const section of sections) {
      const storedSection = storedValue[section];
      if (!isRecord(storedSection)) continue;
      const target = merged[section] as Record<string, unknown>;
      const shape = RiskSettingsSchema.shape[section].shape as Record<string, z.ZodType>;
      for (const [field, schema] of Object.entries(shape)) {
        const parsed = schema.safeParse(storedSection[field]);
        if (parsed.success) target[field] = parsed.data;
      }
    }
  }

  if (patch !== undefined) {
    const parsedPatch = RiskSettingsPatchSchema.parse(patch);
    for (const section of sections) {
      const sectionPatch = parsedPatch[section];
      if (!sectionPatch) continue;
      const target = merged[section] as Record<string, unknown>;
      for (const [field, value] of Object.entries(sectionPatch)) {
        if (value !== undefined) target[field] = value;
      }
    }
  }

  return RiskSettingsSchema.parse(merged);
}

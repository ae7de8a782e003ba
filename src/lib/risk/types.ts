import { z } from "@hono/zod-openapi";

import { alertSeverities, verdicts } from "../../db/schema";

export { verdicts };
export type Verdict = (typeof verdicts)[number];
export const VerdictSchema = z.enum(verdicts).openapi("Verdict");

/** Every rule of DESIGN section 5, in the order they are evaluated and reported. */
export const ruleIds = [
  "forged_code",
  "voided_label",
  "recalled_batch",
  "unreleased_batch",
  "authorization_lapsed",
  "past_shelf_life",
  "many_clients",
  "impossible_travel",
  "wide_spread",
  "batch_anomaly",
] as const;
export type RuleId = (typeof ruleIds)[number];
export const RuleIdSchema = z.enum(ruleIds).openapi("RiskRule");

export type Severity = (typeof alertSeverities)[number];
export const SeveritySchema = z.enum(alertSeverities).openapi("AlertSeverity");

export type AlertSubject = "label" | "batch" | "authorization" | "client" | "region";

/** What the rules see about a label (one batched read gives all of it). */
export interface LabelContext {
  labelStatus: "active" | "voided";
  batchStatus: "draft" | "released" | "recalled";
  authorization: {
    status: "active" | "suspended" | "revoked";
    /** YYYY-MM-DD, a calendar day in Beijing time, inclusive. */
    validFrom: string;
    /** YYYY-MM-DD, a calendar day in Beijing time, inclusive. */
    validUntil: string;
  };
  giProductStatus: "active" | "suspended" | "revoked";
  /** ISO-8601 timestamp. */
  producedAt: string;
  shelfLifeDays: number | null;
  /** Scans before this one. */
  scanCount: number;
  /** Distinct client key hashes seen before this scan (capped at MAX_TRACKED_CLIENT_KEYS). */
  clientKeys: string[];
  /** Distinct prefecture codes seen before this scan (capped at MAX_TRACKED_SCAN_REGIONS). */
  scanRegions: string[];
  lastScan: { at: string; lat: number | null; lng: number | null } | null;
}

export interface ScanObservation {
  /** ISO-8601 timestamp. */
  at: string;
  /** Hash of the WeChat openid or device id; an empty string means no client is known. */
  clientKey: string;
  lat: number | null;
  lng: number | null;
  prefectureCode: string | null;
}

export interface RuleHit {
  rule: RuleId;
  /** The verdict this finding implies for the scan. */
  verdict: Verdict;
  severity: Severity;
  /** Whether the finding should raise or update an alert on `subject`. */
  alert: boolean;
  subject: AlertSubject;
  /** snake_case keys: stored with the scan or alert and shown through the API as they are. */
  detail: Record<string, unknown>;
}

export interface Evaluation {
  verdict: Verdict;
  hits: RuleHit[];
  /** Ids of the rules that fired, in evaluation order (the order of `ruleIds`). */
  reasons: RuleId[];
  /** The distinct lists to store on the label after this scan. */
  next: { clientKeys: string[]; scanRegions: string[] };
}

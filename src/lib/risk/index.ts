export {
  combineVerdicts,
  evaluateLabelScan,
  nextScanHistory,
  verdictRank,
  verdictSeverityOrder,
} from "./evaluate";
export { type FirstScanNotice, type MessageLanguage, verdictMessage } from "./messages";
export { authorizationLapsed, type LapseReason } from "./rules/authorization-lapsed";
export { type BatchScanStats, batchAnomaly, copiedCodeRules } from "./rules/batch-anomaly";
export { forgedCodeBurst, forgedCodeWindowStart } from "./rules/forged-code";
export { impossibleTravel } from "./rules/impossible-travel";
export { distinctClients, manyClients } from "./rules/many-clients";
export { pastShelfLife } from "./rules/past-shelf-life";
export { recalledBatch } from "./rules/recalled-batch";
export { unreleasedBatch } from "./rules/unreleased-batch";
export { voidedLabel } from "./rules/voided-label";
export { distinctRegions, wideSpread } from "./rules/wide-spread";
export {
  defaultRiskSettings,
  MAX_TRACKED_CLIENT_KEYS,
  MAX_TRACKED_SCAN_REGIONS,
  mergeRiskSettings,
  type RiskSettings,
  type RiskSettingsPatch,
  RiskSettingsPatchSchema,
  RiskSettingsSchema,
  type RiskSettingsSection,
  type RuleToggle,
  riskSettingsLimits,
  ruleSeverity,
} from "./settings";
export {
  type AlertSubject,
  type Evaluation,
  type LabelContext,
  type RuleHit,
  type RuleId,
  RuleIdSchema,
  ruleIds,
  type ScanObservation,
  type Severity,
  SeveritySchema,
  type Verdict,
  VerdictSchema,
  verdicts,
} from "./types";

import { jsonBody, jsonContent } from "../../lib/openapi";
import { RiskSettingsPatchSchema, RiskSettingsSchema } from "../../lib/risk";
import { operationsOf } from "../../lib/route-specs";

const risk = operationsOf("risk");

export const get = risk.get("/v1/risk-settings", "getRiskSettings", {
  summary: "The thresholds of the risk rules (admin)",
  access: ["admin"],
  responses: { 200: jsonContent(RiskSettingsSchema, "Effective settings") },
});

export const put = risk.put("/v1/risk-settings", "updateRiskSettings", {
  summary: "Change thresholds (admin); sections and fields left out keep their values",
  description: "Scans pick up a change within 30 seconds.",
  access: ["admin"],
  request: { body: jsonBody(RiskSettingsPatchSchema) },
  responses: { 200: jsonContent(RiskSettingsSchema, "Effective settings after the change") },
});

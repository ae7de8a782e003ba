import { jsonBody, jsonContent } from "../../lib/openapi";
import { RiskSettingsPatchSchema, RiskSettingsSchema } from "../../lib/risk";
import { operation } from "../../lib/route-specs";

export const get = operation("get", "/v1/risk-settings", {
  operationId: "getRiskSettings",
  tags: ["risk"],
  summary: "The thresholds of the risk rules (admin)",
  access: ["admin"],
  responses: { 200: jsonContent(RiskSettingsSchema, "Effective settings") },
});

export const put = operation("put", "/v1/risk-settings", {
  operationId: "updateRiskSettings",
  tags: ["risk"],
  summary: "Change thresholds (admin); sections and fields left out keep their values",
  description: "Scans pick up a change within 30 seconds.",
  access: ["admin"],
  request: { body: jsonBody(RiskSettingsPatchSchema) },
  responses: { 200: jsonContent(RiskSettingsSchema, "Effective settings after the change") },
});

import { createRoute } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonContent } from "../../lib/openapi";
import { RiskSettingsPatchSchema, RiskSettingsSchema } from "../../lib/risk";
import { authenticated } from "../../middleware/auth";

export const get = createRoute({
  method: "get",
  path: "/v1/risk-settings",
  operationId: "getRiskSettings",
  tags: ["risk"],
  summary: "The thresholds of the risk rules (admin)",
  ...authenticated("admin"),
  responses: {
    200: jsonContent(RiskSettingsSchema, "Effective settings"),
    ...errorResponses(401, 403),
  },
});

export const put = createRoute({
  method: "put",
  path: "/v1/risk-settings",
  operationId: "updateRiskSettings",
  tags: ["risk"],
  summary: "Change thresholds (admin); sections and fields left out keep their values",
  description: "Scans pick up a change within 30 seconds.",
  ...authenticated("admin"),
  request: { body: jsonBody(RiskSettingsPatchSchema) },
  responses: {
    200: jsonContent(RiskSettingsSchema, "Effective settings after the change"),
    ...errorResponses(400, 401, 403, 413, 415),
  },
});

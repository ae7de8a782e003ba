import { z } from "@hono/zod-openapi";
import { jsonContent } from "../../lib/openapi";
import { operation } from "../../lib/route-specs";

const Status = z.object({ status: z.literal("ok") }).openapi("HealthStatus");

export const healthz = operation("get", "/healthz", {
  operationId: "checkLiveness",
  tags: ["health"],
  access: "public",
  summary: "Liveness: answers without touching the database",
  responses: { 200: jsonContent(Status, "The worker is running") },
});

export const readyz = operation("get", "/readyz", {
  operationId: "checkReadiness",
  tags: ["health"],
  access: "public",
  summary: "Readiness: checks that D1 answers",
  responses: { 200: jsonContent(Status, "The worker and its database are ready") },
});

import { z } from "@hono/zod-openapi";
import { jsonContent } from "../../lib/openapi";
import { operationsOf } from "../../lib/route-specs";

const health = operationsOf("health");

const Status = z.object({ status: z.literal("ok") }).openapi("HealthStatus");

export const healthz = health.get("/healthz", "checkLiveness", {
  access: "public",
  summary: "Liveness: answers without touching the database",
  responses: { 200: jsonContent(Status, "The worker is running") },
});

export const readyz = health.get("/readyz", "checkReadiness", {
  access: "public",
  summary: "Readiness: checks that D1 answers",
  responses: { 200: jsonContent(Status, "The worker and its database are ready") },
});

import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonContent } from "../../lib/openapi";

const Status = z.object({ status: z.literal("ok") }).openapi("HealthStatus");

export const healthz = createRoute({
  method: "get",
  path: "/healthz",
  operationId: "checkLiveness",
  tags: ["health"],
  security: [],
  summary: "Liveness: answers without touching the database",
  responses: { 200: jsonContent(Status, "The worker is running"), ...errorResponses() },
});

export const readyz = createRoute({
  method: "get",
  path: "/readyz",
  operationId: "checkReadiness",
  tags: ["health"],
  security: [],
  summary: "Readiness: checks that D1 answers",
  responses: {
    200: jsonContent(Status, "The worker and its database are ready"),
    ...errorResponses(),
  },
});

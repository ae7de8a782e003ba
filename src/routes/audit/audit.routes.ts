import { createRoute, z } from "@hono/zod-openapi";
import { InstantSchema } from "../../lib/instant";
import { errorResponses, jsonContent } from "../../lib/openapi";
import { ListQuerySchema, pageOf } from "../../lib/pagination";
import { authenticated } from "../../middleware/auth";
import { AuditRecordSchema } from "./audit.schemas";

export const list = createRoute({
  method: "get",
  path: "/v1/audit",
  operationId: "listAuditRecords",
  tags: ["audit"],
  summary: "The append-only audit log, newest first (admin)",
  ...authenticated("admin"),
  request: {
    query: ListQuerySchema.extend({
      target_id: z.string().max(128).optional(),
      actor_id: z.string().max(128).optional().openapi({ description: "A user id" }),
      action: z
        .string()
        .regex(/^[a-z_.]{1,64}$/, "an action such as batch.recall")
        .optional()
        .openapi({ example: "batch.recall" }),
      since: InstantSchema.optional().openapi({
        description: "Only records at or after this instant",
      }),
    }),
  },
  responses: {
    200: jsonContent(pageOf(AuditRecordSchema), "A page of audit records"),
    ...errorResponses(400, 401, 403),
  },
});

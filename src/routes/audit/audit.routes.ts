import { z } from "@hono/zod-openapi";
import { InstantSchema } from "../../lib/instant";
import { ListQuerySchema } from "../../lib/pagination";
import { jsonPage, operationsOf } from "../../lib/route-specs";
import { AuditRecordSchema } from "./audit.schemas";

const audit = operationsOf("audit");

export const list = audit.get("/v1/audit", "listAuditRecords", {
  summary: "The append-only audit log, newest first (admin)",
  access: ["admin"],
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
  responses: { 200: jsonPage(AuditRecordSchema, "A page of audit records") },
});

import { z } from "@hono/zod-openapi";
import type { auditLog } from "../../db/schema";
import { apiObject } from "../../lib/schemas/api-object";

export const AuditRecordSchema = z
  .object({
    id: z.string(),
    actor_user_id: z.string().nullable().openapi({ description: "Null for anonymous callers" }),
    actor_role: z.string().nullable(),
    action: z.string().openapi({ example: "alert.status.confirmed" }),
    target_type: z.string(),
    target_id: z.string(),
    before: z.unknown().nullable(),
    after: z.unknown().nullable(),
    request_id: z.string().nullable(),
    at: z.string(),
  })
  .openapi("AuditRecord");

type AuditRow = typeof auditLog.$inferSelect;

export const toAuditDto = (row: AuditRow): z.infer<typeof AuditRecordSchema> =>
  apiObject(AuditRecordSchema, row, { before: row.before ?? null, after: row.after ?? null });

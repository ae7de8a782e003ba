import { z } from "@hono/zod-openapi";
import type { auditLog } from "../../db/schema";

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

export const toAuditDto = (row: AuditRow): z.infer<typeof AuditRecordSchema> => ({
  id: row.id,
  actor_user_id: row.actorUserId,
  actor_role: row.actorRole,
  action: row.action,
  target_type: row.targetType,
  target_id: row.targetId,
  before: row.before ?? null,
  after: row.after ?? null,
  request_id: row.requestId,
  at: row.at,
});

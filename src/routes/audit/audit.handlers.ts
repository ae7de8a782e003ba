import { and, desc, eq, gte } from "drizzle-orm";
import { getDb } from "../../db/client";
import { auditLog } from "../../db/schema";
import { afterCursor, toPage } from "../../lib/pagination";
import type { AppRouteHandler } from "../../types";
import type * as routes from "./audit.routes";
import { toAuditDto } from "./audit.schemas";

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const query = c.req.valid("query");
  const rows = await getDb(c.env.DB)
    .select()
    .from(auditLog)
    .where(
      and(
        afterCursor(query.cursor, auditLog.at, auditLog.id),
        query.target_id ? eq(auditLog.targetId, query.target_id) : undefined,
        query.actor_id ? eq(auditLog.actorUserId, query.actor_id) : undefined,
        query.action ? eq(auditLog.action, query.action) : undefined,
        query.since ? gte(auditLog.at, new Date(query.since).toISOString()) : undefined,
      ),
    )
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(query.limit + 1);
  return c.json(
    toPage(rows, query.limit, (r) => ({ k: r.at, id: r.id }), toAuditDto),
    200,
  );
};

import { and, desc, eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { noticeSubscriptions, notifications, users } from "../../db/schema";
import { ApiError } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { keyedHash } from "../../lib/keyed-hash";
import { afterCursor, toPage } from "../../lib/pagination";
import { sealOpenid } from "../../lib/sealed-openid";
import { exchangeWechatCode } from "../../lib/wechat";
import type { AppRouteHandler } from "../../types";
import type * as routes from "./me.routes";
import { toNotificationDto } from "./me.schemas";

export const subscribe: AppRouteHandler<typeof routes.subscribe> = async (c) => {
  const body = c.req.valid("json");
  const user = c.get("user");
  const configured = c.env.WECHAT_RECALL_TEMPLATE_ID;
  if (body.template_id !== undefined && configured && body.template_id !== configured) {
    throw new ApiError("unprocessable", "That is not this server's recall-notice template.", {
      errors: [{ path: "body.template_id", message: "unknown template" }],
    });
  }
  let openidSealed: string | null = null;
  if (body.wechat_code !== undefined) {
    const openid = await exchangeWechatCode(
      {
        mode: c.env.WECHAT_MODE,
        apiBase: c.env.WECHAT_API_BASE,
        appId: c.env.WECHAT_APP_ID,
        appSecret: c.env.WECHAT_APP_SECRET,
      },
      body.wechat_code,
    );
    const db = getDb(c.env.DB);
    const row = await db.query.users.findFirst({ where: eq(users.id, user.id) });
    const hash = await keyedHash(c.env.CLIENT_ID_PEPPER, "wechat-openid", openid);
    if (!row?.wechatOpenidHash || row.wechatOpenidHash !== hash) {
      throw new ApiError("unprocessable", "The WeChat code belongs to another WeChat user.", {
        errors: [{ path: "body.wechat_code", message: "not the signed-in user's code" }],
      });
    }
    openidSealed = await sealOpenid(c.env.CLIENT_ID_PEPPER, openid);
  }
  const [row] = await getDb(c.env.DB)
    .insert(noticeSubscriptions)
    .values({ id: newId("sub"), userId: user.id, topic: body.topic, openidSealed })
    .returning();
  if (!row) throw new ApiError("internal_error", "The subscription was not stored.");
  return c.json(
    {
      id: row.id,
      topic: row.topic,
      wechat_push: row.openidSealed !== null,
      created_at: row.createdAt,
    },
    201,
  );
};

export const notificationsList: AppRouteHandler<typeof routes.notificationsList> = async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const rows = await getDb(c.env.DB)
    .select()
    .from(notifications)
    .where(
      and(
        eq(notifications.userId, c.get("user").id),
        afterCursor(cursor, notifications.createdAt, notifications.id),
      ),
    )
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(limit + 1);
  return c.json(
    toPage(rows, limit, (r) => ({ k: r.createdAt, id: r.id }), toNotificationDto),
    200,
  );
};

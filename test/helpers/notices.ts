import { env } from "cloudflare:workers";
import { callJson } from "./http";
import { scan } from "./scans";

/** A consumer signed in through POST /v1/auth/wechat (mock mode: the code names the user). */
export async function wechatConsumer(code: string): Promise<{ token: string; id: string }> {
  const { status, body } = await callJson<{ access_token: string; user: { id: string } }>(
    "/v1/auth/wechat",
    { body: { code } },
  );
  if (status !== 200) throw new Error(`wechat sign-in failed: ${status}`);
  return { token: body.access_token, id: body.user.id };
}

/** Signs in, scans `code` as that consumer and, unless told not to, subscribes to recalls. */
export async function scanningConsumer(
  wxCode: string,
  labelCode: string,
  subscribe: "with-push" | "in-app" | "none" = "with-push",
) {
  const consumer = await wechatConsumer(wxCode);
  await scan({ code: labelCode }, { authorization: `Bearer ${consumer.token}` });
  if (subscribe !== "none") {
    const sub = await callJson("/v1/me/subscriptions", {
      token: consumer.token,
      body: { topic: "recall", ...(subscribe === "with-push" ? { wechat_code: wxCode } : {}) },
    });
    if (sub.status !== 201)
      throw new Error(`subscribe failed: ${sub.status} ${JSON.stringify(sub.body)}`);
  }
  return consumer;
}

export async function notices(userId: string) {
  const { results } = await env.DB.prepare(
    "SELECT id, batch_id, delivery, wechat_errcode FROM notifications WHERE user_id = ?",
  )
    .bind(userId)
    .all<{ id: string; batch_id: string; delivery: string; wechat_errcode: number | null }>();
  return results;
}

// Queue consumer of recall-notice jobs (wrangler.toml [[queues.consumers]]). A job that fails is
// retried with backoff; after max_retries it goes to the dead-letter queue. Every step is
// idempotent (src/db/queries/recall-notices.ts), so a retry or a redelivery sends nothing twice.
import { deliverRecallNotices, type NoticeJob } from "../db/queries/recall-notices";
import { scanDatabases } from "../db/scan-databases";
import { type WechatSender, wechatSender } from "../lib/wechat-server";
import type { Bindings } from "../types";

const MAX_DELAY_SECONDS = 300;

export function noticeSender(env: Bindings): WechatSender {
  return wechatSender({
    mode: env.WECHAT_MODE,
    apiBase: env.WECHAT_API_BASE,
    appId: env.WECHAT_APP_ID,
    appSecret: env.WECHAT_APP_SECRET,
  });
}

function miniprogramState(value: string | undefined): "developer" | "trial" | "formal" {
  return value === "developer" || value === "trial" ? value : "formal";
}

export async function handleNoticeBatch(
  batch: MessageBatch<NoticeJob>,
  env: Bindings,
  send: WechatSender = noticeSender(env),
): Promise<void> {
  for (const message of batch.messages) {
    const job = message.body;
    if (job?.kind !== "recall" || typeof job.batch_id !== "string") {
      console.error(JSON.stringify({ msg: "notice job of unknown shape dropped", id: message.id }));
      message.ack();
      continue;
    }
    try {
      const report = await deliverRecallNotices(
        {
          db: env.DB,
          scanDatabases: scanDatabases(env),
          pepper: env.CLIENT_ID_PEPPER,
          templateId: env.WECHAT_RECALL_TEMPLATE_ID || undefined,
          miniprogramState: miniprogramState(env.WECHAT_MINIPROGRAM_STATE),
          send,
        },
        job.batch_id,
      );
      console.log(JSON.stringify({ msg: "recall notices", batchId: job.batch_id, ...report }));
      message.ack();
    } catch (error) {
      console.error(
        JSON.stringify({
          msg: "recall notices failed",
          batchId: job.batch_id,
          attempts: message.attempts,
          error: String(error),
        }),
      );
      message.retry({ delaySeconds: Math.min(MAX_DELAY_SECONDS, 2 ** message.attempts * 5) });
    }
  }
}

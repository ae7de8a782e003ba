// Recall notices: the job a recall enqueues, the fan-out to subscribed consumers who scanned the
// batch, and the delivery of each notice at most once through WeChat.
//
// Idempotent by notice: the unique (user, batch, topic) index means a redelivered job records no
// second notice; a notice is claimed (pending → sending, its one-time subscription spent) before
// the send and settled after it. A job that finds a notice still `sending` belongs to a run
// that died between claim and settle: it may have been sent, so it is marked `unconfirmed`, never
// sent again. A send WeChat answered "not sent" (-1 busy, rate limit) goes back to pending and the
// job is retried by the queue.
import { chunk } from "../../lib/chunk";
import { newId } from "../../lib/ids";
import { type RecalledBatch, recallNoticeText, recallTemplateData } from "../../lib/recall-notice";
import { openSealedOpenid } from "../../lib/sealed-openid";
import type { SendOutcome, WechatSender } from "../../lib/wechat-server";

export type NoticeJob = { kind: "recall"; batch_id: string };

export type NoticeQueue = { send(job: NoticeJob): Promise<unknown> };

/** The recall hook: one job per recalled batch; the consumer does the fan-out. */
export async function enqueueRecallNotices(
  queue: NoticeQueue | undefined,
  batchId: string,
): Promise<void> {
  if (!queue) return;
  try {
    await queue.send({ kind: "recall", batch_id: batchId });
  } catch (error) {
    // The recall itself is committed and stands; the notices of this batch can be re-enqueued.
    console.error(
      JSON.stringify({ msg: "recall notice enqueue failed", batchId, error: String(error) }),
    );
  }
}

export type DeliveryContext = {
  db: D1Database;
  pepper: string;
  templateId: string | undefined;
  miniprogramState: "developer" | "trial" | "formal";
  send: WechatSender;
  now?: () => string;
};

export type DeliveryReport = { recorded: number; settled: Record<string, number> };

type BatchRow = {
  id: string;
  lot_code: string;
  status: string;
  status_reason: string | null;
  recalled_at: string | null;
  name_zh: string;
};

async function recalledBatch(db: D1Database, batchId: string): Promise<RecalledBatch | null> {
  const row = await db
    .prepare(
      `SELECT b.id, b.lot_code, b.status, b.status_reason, b.recalled_at, g.name_zh
         FROM batches b JOIN authorizations a ON a.id = b.authorization_id
         JOIN gi_products g ON g.id = a.gi_product_id
        WHERE b.id = ?`,
    )
    .bind(batchId)
    .first<BatchRow>();
  if (row?.status !== "recalled" || !row.recalled_at) return null;
  return {
    productName: row.name_zh,
    lotCode: row.lot_code,
    reason: row.status_reason,
    recalledAt: row.recalled_at,
  };
}

/** Records one notice for every subscribed consumer who scanned a label of the batch. */
async function recordNotices(db: D1Database, batchId: string, batch: RecalledBatch) {
  const { results } = await db
    .prepare(
      `SELECT DISTINCT s.user_id AS user_id FROM scans s
         JOIN users u ON u.id = s.user_id AND u.role = 'consumer'
        WHERE s.batch_id = ? AND s.user_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM notice_subscriptions ns
                       WHERE ns.user_id = s.user_id AND ns.topic = 'recall')
          AND NOT EXISTS (SELECT 1 FROM notifications n
                           WHERE n.user_id = s.user_id AND n.batch_id = s.batch_id AND n.topic = 'recall')`,
    )
    .bind(batchId)
    .all<{ user_id: string }>();
  const { title, body } = recallNoticeText(batch);
  const insert = db.prepare(
    `INSERT INTO notifications (id, user_id, topic, batch_id, title, body)
     VALUES (?, ?, 'recall', ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  let recorded = 0;
  for (const part of chunk(results, 50)) {
    const done = await db.batch(
      part.map((r) => insert.bind(newId("ntc"), r.user_id, batchId, title, body)),
    );
    recorded += done.reduce((n, d) => n + (d.meta.changes ?? 0), 0);
  }
  return recorded;
}

type PendingRow = { id: string; user_id: string };
type SubscriptionRow = { id: string; openid_sealed: string };

async function settle(
  ctx: DeliveryContext,
  noticeId: string,
  subscriptionId: string | null,
  delivery: string,
  errcode: number | null,
) {
  const now = ctx.now?.() ?? new Date().toISOString();
  const statements = [
    ctx.db
      .prepare(
        `UPDATE notifications SET delivery = ?, wechat_errcode = ?, delivered_at = ?
          WHERE id = ? AND delivery IN ('pending', 'sending')`,
      )
      .bind(delivery, errcode, now, noticeId),
  ];
  if (subscriptionId)
    statements.push(
      ctx.db
        .prepare("UPDATE notice_subscriptions SET openid_sealed = NULL WHERE id = ?")
        .bind(subscriptionId),
    );
  await ctx.db.batch(statements);
}

/** Claims the notice and spends one subscription of its consumer in one transaction. */
async function claim(ctx: DeliveryContext, notice: PendingRow, sub: SubscriptionRow) {
  const now = ctx.now?.() ?? new Date().toISOString();
  const [claimed, spent] = await ctx.db.batch([
    ctx.db
      .prepare(
        `UPDATE notifications SET delivery = 'sending', subscription_id = ?
          WHERE id = ? AND delivery = 'pending'`,
      )
      .bind(sub.id, notice.id),
    ctx.db
      .prepare(
        `UPDATE notice_subscriptions SET used_at = ?
          WHERE id = ? AND used_at IS NULL
            AND EXISTS (SELECT 1 FROM notifications WHERE id = ? AND subscription_id = ? AND delivery = 'sending')`,
      )
      .bind(now, sub.id, notice.id, sub.id),
  ]);
  if (claimed?.meta.changes === 1 && spent?.meta.changes === 1) return true;
  if (claimed?.meta.changes === 1) await release(ctx, notice.id, null);
  return false;
}

async function release(ctx: DeliveryContext, noticeId: string, subscriptionId: string | null) {
  const statements = [
    ctx.db
      .prepare(
        "UPDATE notifications SET delivery = 'pending', subscription_id = NULL WHERE id = ? AND delivery = 'sending'",
      )
      .bind(noticeId),
  ];
  if (subscriptionId)
    statements.push(
      ctx.db
        .prepare("UPDATE notice_subscriptions SET used_at = NULL WHERE id = ?")
        .bind(subscriptionId),
    );
  await ctx.db.batch(statements);
}

const SETTLED: Record<Exclude<SendOutcome["status"], "retry">, string> = {
  sent: "sent",
  refused: "refused",
  failed: "failed",
  unknown: "unconfirmed",
};

export class NoticeRetryLater extends Error {}

/**
 * Runs one recall job to the end: records the notices, then delivers each pending one. Throws
 * NoticeRetryLater when WeChat said "not now" for some notice (the queue retries the job).
 */
export async function deliverRecallNotices(
  ctx: DeliveryContext,
  batchId: string,
): Promise<DeliveryReport> {
  const settled: Record<string, number> = {};
  const count = (k: string) => {
    settled[k] = (settled[k] ?? 0) + 1;
  };
  const batch = await recalledBatch(ctx.db, batchId);
  if (!batch) return { recorded: 0, settled };
  const recorded = await recordNotices(ctx.db, batchId, batch);

  const orphaned = await ctx.db
    .prepare(
      `UPDATE notifications SET delivery = 'unconfirmed', delivered_at = ?
        WHERE batch_id = ? AND delivery = 'sending'`,
    )
    .bind(ctx.now?.() ?? new Date().toISOString(), batchId)
    .run();
  for (let i = 0; i < (orphaned.meta.changes ?? 0); i++) count("unconfirmed");

  const { results: pending } = await ctx.db
    .prepare(
      "SELECT id, user_id FROM notifications WHERE batch_id = ? AND delivery = 'pending' ORDER BY id",
    )
    .bind(batchId)
    .all<PendingRow>();
  let retryLater = false;
  for (const notice of pending) {
    const sub = ctx.templateId
      ? await ctx.db
          .prepare(
            `SELECT id, openid_sealed FROM notice_subscriptions
              WHERE user_id = ? AND topic = 'recall' AND used_at IS NULL AND openid_sealed IS NOT NULL
              ORDER BY created_at LIMIT 1`,
          )
          .bind(notice.user_id)
          .first<SubscriptionRow>()
      : null;
    const openid = sub ? await openSealedOpenid(ctx.pepper, sub.openid_sealed) : null;
    if (!sub || !openid || !ctx.templateId) {
      await settle(ctx, notice.id, null, "in_app_only", null);
      count("in_app_only");
      continue;
    }
    if (!(await claim(ctx, notice, sub))) continue;
    const outcome = await ctx.send({
      touser: openid,
      template_id: ctx.templateId,
      page: "pages/notifications/index",
      data: recallTemplateData(batch),
      miniprogram_state: ctx.miniprogramState,
      lang: "zh_CN",
    });
    if (outcome.status === "retry") {
      await release(ctx, notice.id, sub.id);
      retryLater = true;
      count("retry");
      continue;
    }
    await settle(
      ctx,
      notice.id,
      sub.id,
      SETTLED[outcome.status],
      "errcode" in outcome ? outcome.errcode : null,
    );
    count(SETTLED[outcome.status]);
  }
  if (retryLater) throw new NoticeRetryLater(`WeChat asked to retry notices of ${batchId}`);
  return { recorded, settled };
}

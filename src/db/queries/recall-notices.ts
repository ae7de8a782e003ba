// Recall notices: the job a recall enqueues, the fan-out to subscribed consumers who scanned the
// batch, and the delivery of each notice at most once through WeChat.
//
// Idempotent by notice: the unique (user, batch, topic) index means a redelivered job records no
// second notice; a notice is claimed (pending → sending, its one-time subscription spent) before
// the send and settled after it. A job that finds a notice still `sending` belongs to a run
// that died between claim and settle: it may have been sent, so it is marked `unconfirmed`, never
// sent again. A send WeChat answered "not sent" (-1 busy, rate limit) goes back to pending and the
// job is retried by the queue.
import { sql } from "drizzle-orm";
import { chunk } from "../../lib/chunk";
import { newId } from "../../lib/ids";
import { type RecalledBatch, recallNoticeText, recallTemplateData } from "../../lib/recall-notice";
import { openSealedOpenid } from "../../lib/sealed-openid";
import type { SendOutcome, WechatSender } from "../../lib/wechat-server";
import { type ScanDatabases, singleScanDatabase } from "../scan-databases";
import {
  authorizations,
  batches,
  giProducts,
  noticeSubscriptions,
  notifications,
  organizations,
  scans,
  users,
} from "../schema";
import { bare, jsonValues, prepareSql } from "../sql";
import { databasesOfProducer } from "./scan-list";

const n = notifications;
const ns = noticeSubscriptions;

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
  /** Where scans are stored, when not all in `db` (SCAN_DATABASES). */
  scanDatabases?: ScanDatabases;
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
  region_code: string;
};

async function recalledBatch(
  db: D1Database,
  batchId: string,
): Promise<(RecalledBatch & { producerRegionCode: string }) | null> {
  const row = await prepareSql(
    db,
    sql`SELECT ${batches.id}, ${batches.lotCode}, ${batches.status}, ${batches.statusReason}, ${batches.recalledAt}, ${giProducts.nameZh}, ${organizations.regionCode}
         FROM ${batches} JOIN ${authorizations} ON ${authorizations.id} = ${batches.authorizationId}
         JOIN ${giProducts} ON ${giProducts.id} = ${authorizations.giProductId}
         JOIN ${organizations} ON ${organizations.id} = ${batches.organizationId}
        WHERE ${batches.id} = ${batchId}`,
  ).first<BatchRow>();
  if (row?.status !== "recalled" || !row.recalled_at) return null;
  return {
    productName: row.name_zh,
    lotCode: row.lot_code,
    reason: row.status_reason,
    recalledAt: row.recalled_at,
    producerRegionCode: row.region_code,
  };
}

/** User ids looked up per statement: a D1 statement holds at most 100 KB of SQL and values. */
const USERS_PER_LOOKUP = 1_000;

/** The signed-in users who scanned a label of the batch, from the databases holding its scans. */
async function scannersOf(scanDatabases: D1Database[], batchId: string): Promise<string[]> {
  const found = await Promise.all(
    scanDatabases.map((d1) =>
      prepareSql(
        d1,
        sql`SELECT DISTINCT ${scans.userId} AS user_id FROM ${scans}
             WHERE ${scans.batchId} = ${batchId} AND ${scans.userId} IS NOT NULL`,
      ).all<{ user_id: string }>(),
    ),
  );
  return [...new Set(found.flatMap(({ results }) => results.map((r) => r.user_id)))];
}

/** Records one notice for every subscribed consumer who scanned a label of the batch. */
async function recordNotices(
  db: D1Database,
  scanDatabases: D1Database[],
  batchId: string,
  batch: RecalledBatch,
) {
  const results: { user_id: string }[] = [];
  for (const part of chunk(await scannersOf(scanDatabases, batchId), USERS_PER_LOOKUP)) {
    const u = users;
    const found = await prepareSql(
      db,
      sql`SELECT ${u.id} AS user_id FROM ${u}
          WHERE ${u.id} IN ${jsonValues(part)} AND ${u.role} = 'consumer'
            AND EXISTS (SELECT 1 FROM ${ns} WHERE ${ns.userId} = ${u.id} AND ${ns.topic} = 'recall')
            AND NOT EXISTS (SELECT 1 FROM ${n}
                             WHERE ${n.userId} = ${u.id} AND ${n.batchId} = ${batchId} AND ${n.topic} = 'recall')`,
    ).all<{ user_id: string }>();
    results.push(...found.results);
  }
  const { title, body } = recallNoticeText(batch);
  const insert = (userId: string) =>
    prepareSql(
      db,
      sql`INSERT INTO ${n} (${bare(n.id)}, ${bare(n.userId)}, ${bare(n.topic)}, ${bare(n.batchId)}, ${bare(n.title)}, ${bare(n.body)})
     VALUES (${newId("ntc")}, ${userId}, 'recall', ${batchId}, ${title}, ${body}) ON CONFLICT DO NOTHING`,
    );
  let recorded = 0;
  for (const part of chunk(results, 50)) {
    const done = await db.batch(part.map((r) => insert(r.user_id)));
    recorded += done.reduce((sum, d) => sum + (d.meta.changes ?? 0), 0);
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
    prepareSql(
      ctx.db,
      sql`UPDATE ${n} SET ${bare(n.delivery)} = ${delivery}, ${bare(n.wechatErrcode)} = ${errcode}, ${bare(n.deliveredAt)} = ${now}
          WHERE ${n.id} = ${noticeId} AND ${n.delivery} IN ('pending', 'sending')`,
    ),
  ];
  if (subscriptionId)
    statements.push(
      prepareSql(
        ctx.db,
        sql`UPDATE ${ns} SET ${bare(ns.openidSealed)} = NULL WHERE ${ns.id} = ${subscriptionId}`,
      ),
    );
  await ctx.db.batch(statements);
}

/** Claims the notice and spends one subscription of its consumer in one transaction. */
async function claim(ctx: DeliveryContext, notice: PendingRow, sub: SubscriptionRow) {
  const now = ctx.now?.() ?? new Date().toISOString();
  const [claimed, spent] = await ctx.db.batch([
    prepareSql(
      ctx.db,
      sql`UPDATE ${n} SET ${bare(n.delivery)} = 'sending', ${bare(n.subscriptionId)} = ${sub.id}
          WHERE ${n.id} = ${notice.id} AND ${n.delivery} = 'pending'`,
    ),
    prepareSql(
      ctx.db,
      sql`UPDATE ${ns} SET ${bare(ns.usedAt)} = ${now}
          WHERE ${ns.id} = ${sub.id} AND ${ns.usedAt} IS NULL
            AND EXISTS (SELECT 1 FROM ${n} WHERE ${n.id} = ${notice.id} AND ${n.subscriptionId} = ${sub.id} AND ${n.delivery} = 'sending')`,
    ),
  ]);
  if (claimed?.meta.changes === 1 && spent?.meta.changes === 1) return true;
  if (claimed?.meta.changes === 1) await release(ctx, notice.id, null);
  return false;
}

async function release(ctx: DeliveryContext, noticeId: string, subscriptionId: string | null) {
  const statements = [
    prepareSql(
      ctx.db,
      sql`UPDATE ${n} SET ${bare(n.delivery)} = 'pending', ${bare(n.subscriptionId)} = NULL WHERE ${n.id} = ${noticeId} AND ${n.delivery} = 'sending'`,
    ),
  ];
  if (subscriptionId)
    statements.push(
      prepareSql(
        ctx.db,
        sql`UPDATE ${ns} SET ${bare(ns.usedAt)} = NULL WHERE ${ns.id} = ${subscriptionId}`,
      ),
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
  const scanDatabases = databasesOfProducer(
    ctx.scanDatabases ?? singleScanDatabase(ctx.db),
    batch.producerRegionCode,
  );
  const recorded = await recordNotices(ctx.db, scanDatabases, batchId, batch);

  const orphaned = await prepareSql(
    ctx.db,
    sql`UPDATE ${n} SET ${bare(n.delivery)} = 'unconfirmed', ${bare(n.deliveredAt)} = ${ctx.now?.() ?? new Date().toISOString()}
        WHERE ${n.batchId} = ${batchId} AND ${n.delivery} = 'sending'`,
  ).run();
  for (let i = 0; i < (orphaned.meta.changes ?? 0); i++) count("unconfirmed");

  const { results: pending } = await prepareSql(
    ctx.db,
    sql`SELECT ${n.id}, ${n.userId} FROM ${n} WHERE ${n.batchId} = ${batchId} AND ${n.delivery} = 'pending' ORDER BY ${n.id}`,
  ).all<PendingRow>();
  let retryLater = false;
  for (const notice of pending) {
    const sub = ctx.templateId
      ? await prepareSql(
          ctx.db,
          sql`SELECT ${ns.id}, ${ns.openidSealed} FROM ${ns}
              WHERE ${ns.userId} = ${notice.user_id} AND ${ns.topic} = 'recall' AND ${ns.usedAt} IS NULL AND ${ns.openidSealed} IS NOT NULL
              ORDER BY ${ns.createdAt} LIMIT 1`,
        ).first<SubscriptionRow>()
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

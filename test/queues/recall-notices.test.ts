import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  type DeliveryContext,
  deliverRecallNotices,
  NoticeRetryLater,
} from "../../src/db/queries/recall-notices";
import type { SendOutcome, SubscribeMessage } from "../../src/lib/wechat-server";
import { handleNoticeBatch } from "../../src/queues/notices";
import { callJson } from "../helpers/http";
import { notices, scanningConsumer } from "../helpers/notices";
import { insertAlert, regulatorOf, releasedLabels } from "../helpers/scans";

type Outbox = SubscribeMessage[];

function recorder(
  outbox: Outbox,
  answer: (m: SubscribeMessage) => SendOutcome = () => ({ status: "sent" }),
) {
  return async (message: SubscribeMessage) => {
    outbox.push(message);
    return answer(message);
  };
}

function context(send: DeliveryContext["send"]): DeliveryContext {
  return {
    db: env.DB,
    pepper: env.CLIENT_ID_PEPPER,
    templateId: "tpl-recall",
    miniprogramState: "formal",
    send,
  };
}

/**
 * Marks the batch recalled in D1 directly: the API's recall would also enqueue a job that
 * Miniflare's queue consumer runs in the background, racing the deliveries these tests drive.
 */
async function recall(setup: Awaited<ReturnType<typeof releasedLabels>>, reason = "抽检不合格") {
  const now = new Date().toISOString();
  await env.DB.prepare(
    "UPDATE batches SET status = 'recalled', status_reason = ?, recalled_at = ? WHERE id = ?",
  )
    .bind(reason, now, setup.batch)
    .run();
}

async function recallThroughApi(setup: Awaited<ReturnType<typeof releasedLabels>>) {
  const res = await callJson(`/v1/batches/${setup.batch}/recall`, {
    token: setup.setup.producer.token,
    body: { reason: "抽检不合格" },
  });
  if (res.status !== 200) throw new Error(`recall failed: ${res.status}`);
}

describe("recall notice delivery", () => {
  it("tells every subscribed consumer who scanned the batch once, and no one else", async () => {
    const lot = await releasedLabels(3);
    const a = await scanningConsumer("wx-a", lot.codes[0] as string);
    await scanningConsumer("wx-a", lot.codes[1] as string, "none"); // same consumer, two labels
    const b = await scanningConsumer("wx-b", lot.codes[1] as string, "in-app");
    const c = await scanningConsumer("wx-c", lot.codes[2] as string, "none");
    const other = await releasedLabels(1);
    const d = await scanningConsumer("wx-d", other.codes[0] as string);
    await recall(lot);

    const outbox: Outbox = [];
    const report = await deliverRecallNotices(context(recorder(outbox)), lot.batch);
    expect(report.recorded).toBe(2);
    expect(report.settled).toEqual({ sent: 1, in_app_only: 1 });
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({
      template_id: "tpl-recall",
      page: "pages/notifications/index",
      miniprogram_state: "formal",
    });
    expect(outbox[0]?.touser).toMatch(/^mock-openid-/);
    expect(outbox[0]?.data.thing3).toEqual({ value: "抽检不合格" });
    expect((await notices(a.id)).map((n) => n.delivery)).toEqual(["sent"]);
    expect((await notices(b.id)).map((n) => n.delivery)).toEqual(["in_app_only"]);
    expect(await notices(c.id)).toEqual([]);
    expect(await notices(d.id)).toEqual([]);

    const list = await callJson<{ items: { title: string; body: string; delivery: string }[] }>(
      "/v1/me/notifications",
      { token: a.token },
    );
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]?.title).toMatch(/^召回通知：/);
    expect(list.body.items[0]?.body).toContain("抽检不合格");

    // A redelivered job records and sends nothing more.
    const again = await deliverRecallNotices(context(recorder(outbox)), lot.batch);
    expect(again).toEqual({ recorded: 0, settled: {} });
    expect(outbox).toHaveLength(1);
  });

  it("loses nothing and sends nothing twice when the consumer dies mid-batch", async () => {
    const lot = await releasedLabels(5);
    const people = [];
    for (const [i, code] of lot.codes.entries())
      people.push(await scanningConsumer(`wx-kill-${i}`, code));
    await recall(lot);

    const outbox: Outbox = [];
    let calls = 0;
    // The isolate dies right after WeChat accepted the third message, before it was recorded.
    const dying = async (message: SubscribeMessage): Promise<SendOutcome> => {
      calls += 1;
      outbox.push(message);
      if (calls === 3) throw new Error("isolate killed");
      return { status: "sent" };
    };
    await expect(deliverRecallNotices(context(dying), lot.batch)).rejects.toThrow("isolate killed");
    expect(outbox).toHaveLength(3);

    const report = await deliverRecallNotices(context(recorder(outbox)), lot.batch);
    expect(report.settled).toEqual({ unconfirmed: 1, sent: 2 });
    const recipients = outbox.map((m) => m.touser);
    expect(new Set(recipients).size).toBe(5);
    expect(recipients).toHaveLength(5);
    const deliveries = (await Promise.all(people.map((p) => notices(p.id)))).map((n) =>
      n.map((x) => x.delivery),
    );
    expect(deliveries.every((d) => d.length === 1)).toBe(true);
    expect(deliveries.flat().sort()).toEqual(["sent", "sent", "sent", "sent", "unconfirmed"]);
  });

  it("records a refusal (43101) without retrying it", async () => {
    const lot = await releasedLabels(1);
    const a = await scanningConsumer("wx-refuse", lot.codes[0] as string);
    await recall(lot);
    const outbox: Outbox = [];
    const report = await deliverRecallNotices(
      context(recorder(outbox, () => ({ status: "refused", errcode: 43101 }))),
      lot.batch,
    );
    expect(report.settled).toEqual({ refused: 1 });
    expect(await notices(a.id)).toMatchObject([{ delivery: "refused", wechat_errcode: 43101 }]);
    await deliverRecallNotices(context(recorder(outbox)), lot.batch);
    expect(outbox).toHaveLength(1);
  });

  it("puts a notice WeChat did not send back in line, with its subscription unspent", async () => {
    const lot = await releasedLabels(1);
    const a = await scanningConsumer("wx-busy", lot.codes[0] as string);
    await recall(lot);
    const outbox: Outbox = [];
    await expect(
      deliverRecallNotices(
        context(recorder(outbox, () => ({ status: "retry", errcode: -1 }))),
        lot.batch,
      ),
    ).rejects.toBeInstanceOf(NoticeRetryLater);
    expect(await notices(a.id)).toMatchObject([{ delivery: "pending" }]);
    const report = await deliverRecallNotices(context(recorder(outbox)), lot.batch);
    expect(report.settled).toEqual({ sent: 1 });
    expect(outbox).toHaveLength(2);
  });

  it("spends one subscription per notice: a second recall reaches the app only", async () => {
    const first = await releasedLabels(1);
    const second = await releasedLabels(1, first.setup);
    const a = await scanningConsumer("wx-once", first.codes[0] as string);
    await scanningConsumer("wx-once", second.codes[0] as string, "none");
    await recall(first);
    await recall(second);
    const outbox: Outbox = [];
    await deliverRecallNotices(context(recorder(outbox)), first.batch);
    await deliverRecallNotices(context(recorder(outbox)), second.batch);
    expect(outbox).toHaveLength(1);
    expect((await notices(a.id)).map((n) => n.delivery).sort()).toEqual(["in_app_only", "sent"]);
  });

  it("does nothing for a batch that is not recalled", async () => {
    const lot = await releasedLabels(1);
    await scanningConsumer("wx-none", lot.codes[0] as string);
    const outbox: Outbox = [];
    expect(await deliverRecallNotices(context(recorder(outbox)), lot.batch)).toEqual({
      recorded: 0,
      settled: {},
    });
  });
});

describe("queue consumer", () => {
  it("acks a delivered job and retries one WeChat asked to retry", async () => {
    const lot = await releasedLabels(1);
    await scanningConsumer("wx-queue", lot.codes[0] as string);
    await recall(lot);
    const batch = createMessageBatch("gi-trace-notices", [
      {
        id: "m1",
        timestamp: Date.now(),
        attempts: 1,
        body: { kind: "recall", batch_id: lot.batch },
      },
    ]);
    const ctx = createExecutionContext();
    await handleNoticeBatch(batch as never, env, async () => ({ status: "retry", errcode: -1 }));
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages).toMatchObject([{ msgId: "m1" }]);
    expect(result.explicitAcks).toEqual([]);

    const again = createMessageBatch("gi-trace-notices", [
      {
        id: "m1",
        timestamp: Date.now(),
        attempts: 2,
        body: { kind: "recall", batch_id: lot.batch },
      },
    ]);
    await handleNoticeBatch(again as never, env, async () => ({ status: "sent" }));
    expect((await getQueueResult(again, createExecutionContext())).explicitAcks).toEqual(["m1"]);
  });

  it("drops a job of unknown shape", async () => {
    const batch = createMessageBatch("gi-trace-notices", [
      { id: "bad", timestamp: Date.now(), attempts: 1, body: { kind: "price", batch_id: 7 } },
    ]);
    await handleNoticeBatch(batch as never, env, async () => ({ status: "sent" }));
    expect((await getQueueResult(batch, createExecutionContext())).explicitAcks).toEqual(["bad"]);
  });

  it("runs from a recall through the queue to the consumer's notices (Miniflare's queue)", async () => {
    const lot = await releasedLabels(1);
    const a = await scanningConsumer("wx-e2e", lot.codes[0] as string);
    await recallThroughApi(lot);
    let items: { delivery: string }[] = [];
    for (let i = 0; i < 50 && items.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      items = (
        await callJson<{ items: { delivery: string }[] }>("/v1/me/notifications", {
          token: a.token,
        })
      ).body.items;
    }
    expect(items).toMatchObject([{ delivery: "sent" }]);
  });

  it("runs from an alert confirmed with recall_batch to the consumer's notices", async () => {
    const lot = await releasedLabels(1);
    const a = await scanningConsumer("wx-alert", lot.codes[0] as string);
    const alertId = await insertAlert({
      rule: "batch_anomaly",
      subjectType: "batch",
      subjectId: lot.batch,
      batchId: lot.batch,
      authorizationId: lot.setup.authorization.id,
      organizationId: lot.setup.org.id,
      regionCode: "330903",
      status: "investigating",
    });
    const regulator = await regulatorOf("330900");
    const confirmed = await callJson(`/v1/alerts/${alertId}/transition`, {
      token: regulator.token,
      body: { to: "confirmed", note: "整批召回", actions: ["recall_batch"] },
    });
    expect(confirmed.status).toBe(200);
    let items: { batch_id: string }[] = [];
    for (let i = 0; i < 50 && items.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      items = (
        await callJson<{ items: { batch_id: string }[] }>("/v1/me/notifications", {
          token: a.token,
        })
      ).body.items;
    }
    expect(items).toMatchObject([{ batch_id: lot.batch }]);
  });
});

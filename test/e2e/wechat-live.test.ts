// The worker in live WeChat mode (wrangler dev) against the local fake of the WeChat API: sign-in
// through jscode2session, and a recall notice sent through getStableAccessToken and
// subscribeMessage.send by the Queue consumer, with 40001 refreshed and 43101 recorded.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caller, releasedBatch, releasedLot } from "../miniprogram/helpers/local-data";
import { type LocalServer, startServer } from "./server";
import { type FakeWechat, startFakeWechat } from "./wechat-fake";

const ADMIN = { email: "admin@live.local", password: "admin-password-1" };
let fake: FakeWechat;
let server: LocalServer;

beforeAll(async () => {
  fake = await startFakeWechat();
  server = await startServer(ADMIN, {
    WECHAT_MODE: "live",
    WECHAT_API_BASE: fake.base,
    WECHAT_APP_ID: fake.appId,
    WECHAT_APP_SECRET: fake.appSecret,
    WECHAT_RECALL_TEMPLATE_ID: "tpl-recall",
  });
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await fake?.stop();
}, 30_000);

const post = (path: string, body: unknown, token?: string) =>
  fetch(`${server.base}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });

describe("POST /v1/auth/wechat in live mode", () => {
  it("signs in with a code jscode2session accepts", async () => {
    const res = await post("/v1/auth/wechat", { code: "ok-alice" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { user: { role: string } };
    expect(body.user.role).toBe("consumer");
    expect(JSON.stringify(body)).not.toContain("fake-session-key");
  });

  it.each([
    ["used-code", 400, "validation_failed"],
    ["rate-limited", 429, "rate_limited"],
    ["risky-user", 403, "forbidden"],
    ["busy-code", 503, "service_unavailable"],
  ])("answers %s with %d %s", async (code, status, problem) => {
    const res = await post("/v1/auth/wechat", { code });
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(((await res.json()) as { code: string }).code).toBe(problem);
  });
});

describe("recall notices in live mode", () => {
  it("reach subscribed consumers through WeChat; 40001 is refreshed once, 43101 recorded", async () => {
    const call = caller(server.base);
    const first = await releasedBatch(call, ADMIN);
    const second = await releasedLot(
      call,
      first.producer,
      first.authorizationId,
      first.siteId,
      "SSYB-MP-2",
    );
    const tokens: Record<string, string> = {};
    const subscribe = async (name: string, labelCode: string | undefined) => {
      tokens[name] ??= (await call("POST", "/v1/auth/wechat", { code: `ok-${name}` })).access_token;
      await call("POST", "/v1/scans", { code: labelCode }, tokens[name]);
      const sub = await call(
        "POST",
        "/v1/me/subscriptions",
        { topic: "recall", template_id: "tpl-recall", wechat_code: `ok-${name}` },
        tokens[name],
      );
      expect(sub.wechat_push).toBe(true);
    };
    const deliveriesOf = async (batchId: string, names: string[]) => {
      const found: Record<string, string> = {};
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline && Object.keys(found).length < names.length) {
        await new Promise((r) => setTimeout(r, 500));
        for (const name of names) {
          const page = await call("GET", "/v1/me/notifications", undefined, tokens[name]);
          const notice = page.items.find((n: { batch_id: string }) => n.batch_id === batchId);
          if (notice && notice.delivery !== "pending" && notice.delivery !== "sending")
            found[name] = notice.delivery;
        }
      }
      return found;
    };

    await subscribe("alice", first.labels[0]?.code);
    await call(
      "POST",
      `/v1/batches/${first.batchId}/recall`,
      { reason: "抽检不合格" },
      first.producer,
    );
    expect(await deliveriesOf(first.batchId, ["alice"])).toEqual({ alice: "sent" });
    expect(fake.tokenRequests).toEqual([{ force_refresh: false }]);

    // The worker's cached token dies (another server forced a refresh); bob refuses the template.
    fake.invalidateToken();
    fake.refusing.add("o-bob");
    await subscribe("alice", second.labels[0]?.code);
    await subscribe("bob", second.labels[1]?.code);
    await call(
      "POST",
      `/v1/batches/${second.batchId}/recall`,
      { reason: "标签错误" },
      first.producer,
    );
    expect(await deliveriesOf(second.batchId, ["alice", "bob"])).toEqual({
      alice: "sent",
      bob: "refused",
    });

    expect(fake.sent.map((m) => m.touser)).toEqual(["o-alice", "o-alice"]);
    expect(fake.sent[0]).toMatchObject({
      template_id: "tpl-recall",
      page: "pages/notifications/index",
    });
    expect(
      fake.answers
        .filter((a) => a.api === "subscribe_send")
        .map((a) => a.errcode)
        .sort(),
    ).toEqual([0, 0, 40001, 43101].sort());
    expect(fake.tokenRequests).toEqual([{ force_refresh: false }, { force_refresh: true }]);
  });
});

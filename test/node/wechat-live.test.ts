// Live WeChat mode of the server's WeChat clients against the local fake of the WeChat API.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { exchangeWechatCode, type WechatConfig } from "../../src/lib/wechat";
import {
  clearTokenCache,
  type SubscribeMessage,
  sendSubscribeMessage,
  stableAccessToken,
} from "../../src/lib/wechat-server";
import { type FakeWechat, startFakeWechat } from "../e2e/wechat-fake";

let fake: FakeWechat;
let config: WechatConfig;

beforeAll(async () => {
  fake = await startFakeWechat();
  config = { mode: "live", apiBase: fake.base, appId: fake.appId, appSecret: fake.appSecret };
});
afterAll(() => fake.stop());
beforeEach(() => {
  clearTokenCache();
  fake.tokenRequests.length = 0;
  fake.sent.length = 0;
  fake.answers.length = 0;
});

const message = (touser: string): SubscribeMessage => ({
  touser,
  template_id: "tpl-recall",
  page: "pages/notifications/index",
  data: { thing1: { value: "舟山带鱼" } },
  miniprogram_state: "formal",
  lang: "zh_CN",
});

describe("jscode2session", () => {
  it("answers the openid and drops the session key", async () => {
    expect(await exchangeWechatCode(config, "ok-alice")).toBe("o-alice");
  });

  it.each([
    ["used-code", 40029, "validation_failed", 400],
    ["rate-limited", 45011, "rate_limited", 429],
    ["risky-user", 40226, "forbidden", 403],
    ["busy-code", -1, "service_unavailable", 503],
  ])("maps %s (errcode %d) to %s", async (code, errcode, apiCode, status) => {
    await expect(exchangeWechatCode(config, code)).rejects.toMatchObject({
      code: apiCode,
      status,
      extra: { wechat_errcode: errcode },
    });
  });

  it("answers 502 when the app secret is wrong", async () => {
    await expect(
      exchangeWechatCode({ ...config, appSecret: "wrong" }, "ok-alice"),
    ).rejects.toMatchObject({ code: "bad_gateway" });
  });
});

describe("getStableAccessToken", () => {
  it("asks once and keeps the token until shortly before it expires", async () => {
    const now = 1_000_000;
    const first = await stableAccessToken(config, { now });
    expect(await stableAccessToken(config, { now: now + 3600_000 })).toBe(first);
    expect(fake.tokenRequests).toEqual([{ force_refresh: false }]);
    await stableAccessToken(config, { now: now + 7200_000 - 60_000 });
    expect(fake.tokenRequests).toHaveLength(2);
  });

  it("fails on a wrong secret", async () => {
    await expect(stableAccessToken({ ...config, appSecret: "wrong" })).rejects.toMatchObject({
      errcode: 40125,
    });
  });
});

describe("subscribeMessage.send", () => {
  it("sends with the cached token", async () => {
    expect(await sendSubscribeMessage(config, message("o-alice"))).toEqual({ status: "sent" });
    expect(await sendSubscribeMessage(config, message("o-bob"))).toEqual({ status: "sent" });
    expect(fake.sent.map((m) => m.touser)).toEqual(["o-alice", "o-bob"]);
    expect(fake.tokenRequests).toHaveLength(1);
  });

  it("refreshes an invalid token (40001) once and sends again", async () => {
    await stableAccessToken(config);
    fake.invalidateToken();
    expect(await sendSubscribeMessage(config, message("o-carol"))).toEqual({ status: "sent" });
    expect(fake.answers.map((a) => `${a.api}:${a.errcode}`)).toEqual([
      "stable_token:0",
      "subscribe_send:40001",
      "stable_token:0",
      "subscribe_send:0",
    ]);
    expect(fake.tokenRequests).toEqual([{ force_refresh: false }, { force_refresh: true }]);
    expect(fake.sent).toHaveLength(1);
  });

  it("records a refusal (43101) and does not try again", async () => {
    fake.refusing.add("o-dave");
    expect(await sendSubscribeMessage(config, message("o-dave"))).toEqual({
      status: "refused",
      errcode: 43101,
    });
    expect(fake.answers.filter((a) => a.api === "subscribe_send")).toHaveLength(1);
  });

  it("asks to retry later when no token can be had (nothing was sent)", async () => {
    const down = { ...config, apiBase: "http://127.0.0.1:9", appId: "wx-other" };
    expect(await sendSubscribeMessage(down, message("o-erin"))).toEqual({
      status: "retry",
      errcode: -1,
    });
  });
});

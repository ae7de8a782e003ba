import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { openSealedOpenid } from "../../../src/lib/sealed-openid";
import { createUser } from "../../helpers/fixtures";
import { call, callJson, expectProblem } from "../../helpers/http";
import { wechatConsumer } from "../../helpers/notices";

describe("POST /v1/me/subscriptions", () => {
  it("records an acceptance with the consumer's sealed openid for one push", async () => {
    const consumer = await wechatConsumer("wx-sub-1");
    const { status, body } = await callJson<{ id: string; wechat_push: boolean; topic: string }>(
      "/v1/me/subscriptions",
      { token: consumer.token, body: { topic: "recall", wechat_code: "wx-sub-1" } },
    );
    expect(status).toBe(201);
    expect(body).toMatchObject({ topic: "recall", wechat_push: true });
    const row = await env.DB.prepare("SELECT openid_sealed FROM notice_subscriptions WHERE id = ?")
      .bind(body.id)
      .first<{ openid_sealed: string }>();
    expect(row?.openid_sealed).not.toContain("mock-openid");
    expect(await openSealedOpenid(env.CLIENT_ID_PEPPER, row?.openid_sealed ?? "")).toMatch(
      /^mock-openid-/,
    );
  });

  it("records an in-app-only subscription without a login code", async () => {
    const consumer = await wechatConsumer("wx-sub-2");
    const { status, body } = await callJson("/v1/me/subscriptions", {
      token: consumer.token,
      body: { topic: "recall" },
    });
    expect(status).toBe(201);
    expect(body.wechat_push).toBe(false);
  });

  it("refuses another WeChat user's login code", async () => {
    const consumer = await wechatConsumer("wx-sub-3");
    const res = await call("/v1/me/subscriptions", {
      token: consumer.token,
      body: { topic: "recall", wechat_code: "wx-someone-else" },
    });
    const problem = await expectProblem(res, 422, "unprocessable");
    expect(problem.errors?.[0]?.path).toBe("body.wechat_code");
  });

  it("refuses a template that is not the server's", async () => {
    const consumer = await wechatConsumer("wx-sub-4");
    const res = await call("/v1/me/subscriptions", {
      token: consumer.token,
      body: { topic: "recall", template_id: "someone-elses-template" },
    });
    await expectProblem(res, 422, "unprocessable");
  });

  it("maps WeChat login errors as sign-in does", async () => {
    const consumer = await wechatConsumer("wx-sub-5");
    const res = await call("/v1/me/subscriptions", {
      token: consumer.token,
      body: { topic: "recall", wechat_code: "mock-err-40029" },
    });
    await expectProblem(res, 400, "validation_failed");
  });

  it("is for consumers only", async () => {
    const producer = await createUser("producer");
    await expectProblem(
      await call("/v1/me/subscriptions", { token: producer.token, body: { topic: "recall" } }),
      403,
      "forbidden",
    );
    await expectProblem(
      await call("/v1/me/subscriptions", { body: { topic: "recall" } }),
      401,
      "unauthorized",
    );
  });

  it("refuses an unknown topic", async () => {
    const consumer = await wechatConsumer("wx-sub-6");
    await expectProblem(
      await call("/v1/me/subscriptions", { token: consumer.token, body: { topic: "price" } }),
      400,
      "validation_failed",
    );
  });
});

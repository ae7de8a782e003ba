import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../../src/app";
import { BASE, call, callJson, expectProblem } from "../../helpers/http";

type TokenPair = { access_token: string; user: { id: string; role: string } };

const wechatLogin = (code: string) => call("/v1/auth/wechat", { body: { code } });

/** The app in live mode, with WeChat's answer (or failure) stubbed at the fetch boundary. */
async function liveLogin(answer: () => Promise<Response>) {
  const fetchSpy = vi.spyOn(globalThis, "fetch").mockImplementation(answer);
  const response = await createApp().request(
    `${BASE}/v1/auth/wechat`,
    {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ code: "0a1b2c" }),
    },
    {
      ...env,
      WECHAT_MODE: "live",
      WECHAT_APP_ID: "wx0123456789abcdef",
      WECHAT_APP_SECRET: "s3cret",
    },
  );
  return { response, fetchSpy };
}

afterEach(() => vi.restoreAllMocks());

describe("POST /v1/auth/wechat (mock mode)", () => {
  it("signs in a consumer, the same one for the same code, and never returns session_key", async () => {
    const first = await callJson<TokenPair>("/v1/auth/wechat", { body: { code: "code-alice" } });
    expect(first.status).toBe(200);
    expect(first.body.user.role).toBe("consumer");
    expect(JSON.stringify(first.body)).not.toContain("session_key");
    const again = await callJson<TokenPair>("/v1/auth/wechat", { body: { code: "code-alice" } });
    expect(again.body.user.id).toBe(first.body.user.id);
    const other = await callJson<TokenPair>("/v1/auth/wechat", { body: { code: "code-bob" } });
    expect(other.body.user.id).not.toBe(first.body.user.id);
    expect((await call("/v1/me", { token: first.body.access_token })).status).toBe(200);
  });

  it("stores only a keyed hash of the openid", async () => {
    const { body } = await callJson<TokenPair>("/v1/auth/wechat", { body: { code: "code-carol" } });
    const row = await env.DB.prepare("SELECT * FROM users WHERE id = ?")
      .bind(body.user.id)
      .first<Record<string, unknown>>();
    expect(row?.wechat_openid_hash).toMatch(/^[\w-]{20,}$/);
    expect(JSON.stringify(row)).not.toContain("mock-openid");
  });

  it.each([
    ["40029", 400, "validation_failed"],
    ["45011", 429, "rate_limited"],
    ["40226", 403, "forbidden"],
    ["-1", 503, "service_unavailable"],
    ["99999", 502, "bad_gateway"],
  ])("maps WeChat errcode %s to %i %s", async (errcode, status, code) => {
    const problem = await expectProblem(await wechatLogin(`mock-err-${errcode}`), status, code);
    expect(problem.wechat_errcode).toBe(Number(errcode));
  });
});

describe("POST /v1/auth/wechat (live mode)", () => {
  it("calls jscode2session with the app credentials and signs in", async () => {
    const { response, fetchSpy } = await liveLogin(
      async () =>
        new Response(JSON.stringify({ openid: "oLiveUser123", session_key: "SECRET-SK" }), {
          headers: { "Content-Type": "text/plain" },
        }),
    );
    expect(response.status).toBe(200);
    expect(await response.text()).not.toContain("SECRET-SK");
    const url = new URL(String(fetchSpy.mock.calls[0]?.[0]));
    expect(url.pathname).toBe("/sns/jscode2session");
    expect(url.searchParams.get("appid")).toBe("wx0123456789abcdef");
    expect(url.searchParams.get("js_code")).toBe("0a1b2c");
    expect(url.searchParams.get("grant_type")).toBe("authorization_code");
  });

  it("answers 502 when WeChat cannot be reached", async () => {
    const { response } = await liveLogin(() => Promise.reject(new TypeError("network down")));
    await expectProblem(response, 502, "bad_gateway");
  });

  it("answers 502 when WeChat's answer is not JSON or has no openid", async () => {
    await expectProblem(
      (await liveLogin(async () => new Response("<html>oops</html>"))).response,
      502,
      "bad_gateway",
    );
    await expectProblem(
      (await liveLogin(async () => new Response("{}"))).response,
      502,
      "bad_gateway",
    );
    await expectProblem(
      (await liveLogin(async () => new Response("null"))).response,
      502,
      "bad_gateway",
    );
  });

  it("answers 400 for WeChat's invalid-code error", async () => {
    const { response } = await liveLogin(
      async () => new Response(JSON.stringify({ errcode: 40029, errmsg: "invalid code" })),
    );
    await expectProblem(response, 400, "validation_failed");
  });
});

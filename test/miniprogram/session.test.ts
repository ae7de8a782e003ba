import { beforeEach, describe, expect, it } from "vitest";
import type * as Scan from "../../miniprogram/lib/scan";
import type * as Session from "../../miniprogram/lib/session";
import { mpModule } from "./helpers/build";
import { setConfig } from "./helpers/pages";
import { type Answer, createWx, installWx, type RequestCall } from "./helpers/wx-mock";

const API = "https://api.test";
const session = mpModule<typeof Session>("lib/session");
const scan = mpModule<typeof Scan>("lib/scan");

const pair = (n: number) => ({
  statusCode: 200,
  data: {
    access_token: `at-${n}`,
    refresh_token: `rt-${n}`,
    token_type: "Bearer",
    expires_in: 900,
    user: {},
  },
});

let mock: ReturnType<typeof createWx>;
let handler: (call: RequestCall) => Answer | Promise<Answer>;
const paths = () => mock.requests.map((r) => `${r.method} ${r.url.replace(API, "")}`);

beforeEach(() => {
  handler = (call) =>
    call.url.endsWith("/v1/auth/wechat") ? pair(1) : { statusCode: 404, data: {} };
  mock = createWx((call) => handler(call));
  installWx(mock.wx);
  setConfig({ apiBase: API });
});

describe("sign-in and refresh", () => {
  it("signs in with wx.login and keeps the pair in storage", async () => {
    const s = await session.ensureSession(() => 1_000_000);
    expect(s).toEqual({
      accessToken: "at-1",
      refreshToken: "rt-1",
      expiresAt: 1_000_000 + 900_000,
    });
    expect(mock.requests[0]?.data).toEqual({ code: "wx-code-1" });
    expect(mock.storage.get(session.SESSION_KEY)).toEqual(s);
  });

  it("signs in once for concurrent callers", async () => {
    const [a, b] = await Promise.all([session.ensureSession(), session.ensureSession()]);
    expect(a).toEqual(b);
    expect(mock.wx.login).toHaveBeenCalledTimes(1);
  });

  it("uses a fresh stored token without any request", async () => {
    mock.storage.set(session.SESSION_KEY, {
      accessToken: "at-9",
      refreshToken: "rt-9",
      expiresAt: 5_000_000,
    });
    expect((await session.ensureSession(() => 1_000_000))?.accessToken).toBe("at-9");
    expect(mock.requests).toHaveLength(0);
  });

  it("refreshes a token within a minute of expiry, spending the old refresh token", async () => {
    mock.storage.set(session.SESSION_KEY, {
      accessToken: "at-9",
      refreshToken: "rt-9",
      expiresAt: 1_030_000,
    });
    handler = (call) =>
      call.url.endsWith("/v1/auth/refresh") ? pair(2) : { statusCode: 500, data: {} };
    const s = await session.ensureSession(() => 1_000_000);
    expect(paths()).toEqual(["POST /v1/auth/refresh"]);
    expect(mock.requests[0]?.data).toEqual({ refresh_token: "rt-9" });
    expect(s?.accessToken).toBe("at-2");
    expect(mock.wx.login).not.toHaveBeenCalled();
  });

  it("signs in again when the refresh token was spent or revoked (401)", async () => {
    mock.storage.set(session.SESSION_KEY, {
      accessToken: "at-9",
      refreshToken: "rt-9",
      expiresAt: 0,
    });
    handler = (call) =>
      call.url.endsWith("/v1/auth/refresh")
        ? { statusCode: 401, data: { detail: "spent" } }
        : pair(3);
    const s = await session.ensureSession();
    expect(paths()).toEqual(["POST /v1/auth/refresh", "POST /v1/auth/wechat"]);
    expect(s?.accessToken).toBe("at-3");
  });

  it("answers null, keeping no broken session, when WeChat login fails", async () => {
    handler = () => ({ statusCode: 400, data: { detail: "The WeChat login code is invalid" } });
    expect(await session.ensureSession()).toBeNull();
    expect(mock.storage.has(session.SESSION_KEY)).toBe(false);
  });

  it("retries an authenticated call once after a 401 with a new sign-in", async () => {
    mock.storage.set(session.SESSION_KEY, {
      accessToken: "at-old",
      refreshToken: "rt-old",
      expiresAt: Date.now() + 600_000,
    });
    handler = (call) => {
      if (call.url.endsWith("/v1/auth/wechat")) return pair(4);
      if (call.header.authorization === "Bearer at-4")
        return { statusCode: 200, data: { items: [] } };
      return { statusCode: 401, data: { detail: "revoked" } };
    };
    expect(await session.authedRequest({ method: "GET", path: "/v1/scans" })).toEqual({
      items: [],
    });
    expect(paths()).toEqual(["GET /v1/scans", "POST /v1/auth/wechat", "GET /v1/scans"]);
  });

  it("lets a scan go out before sign-in has finished, without a token", async () => {
    let finishLogin: (a: Answer) => void = () => {};
    handler = (call) => {
      if (call.url.endsWith("/v1/auth/wechat"))
        return new Promise<Answer>((r) => (finishLogin = r));
      return { statusCode: 200, data: { verdict: "genuine", reasons: [], message: "ok" } };
    };
    const signingIn = session.ensureSession();
    const result = await scan.sendScan(
      scan.scanRequest({ kind: "code", code: "1ABCDEFGHJKMNPQRSTVWX" }),
      "zh",
    );
    expect(result.verdict).toBe("genuine");
    const sent = mock.requests.find((r) => r.url.endsWith("/v1/scans"));
    expect(sent?.header.authorization).toBeUndefined();
    expect((sent?.data as { client_id?: string } | undefined)?.client_id).toMatch(/^mp-/);
    finishLogin(pair(5));
    await signingIn;
    await scan.sendScan(scan.scanRequest({ kind: "code", code: "1ABCDEFGHJKMNPQRSTVWX" }), "zh");
    expect(mock.requests.at(-1)?.header.authorization).toBe("Bearer at-5");
  });
});

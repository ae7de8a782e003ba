// WeChat mini-program login: jscode2session exchanges the code from wx.login() for an openid.
// https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-login/code2Session.html
import { ApiError } from "./errors";

export type WechatConfig = {
  mode: string;
  apiBase: string;
  appId?: string;
  appSecret?: string;
};

type Code2SessionAnswer = {
  openid?: unknown;
  session_key?: unknown;
  unionid?: unknown;
  errcode?: unknown;
  errmsg?: unknown;
};

const TIMEOUT_MS = 5000;

/** Maps a jscode2session errcode to the answer our client should get. */
export function wechatError(errcode: number, errmsg: string): ApiError {
  const extra = { extra: { wechat_errcode: errcode } };
  switch (errcode) {
    case 40029:
    case 40163:
      return new ApiError(
        "validation_failed",
        "The WeChat login code is invalid or already used; call wx.login() again.",
        {
          ...extra,
          errors: [{ path: "body.code", message: "invalid WeChat login code" }],
        },
      );
    case 45011:
      return new ApiError(
        "rate_limited",
        "WeChat rate-limits this user's logins; try again in a minute.",
        {
          ...extra,
          headers: { "Retry-After": "60" },
        },
      );
    case 40226:
      return new ApiError("forbidden", "WeChat has blocked this user (high-risk account).", extra);
    case -1:
      return new ApiError("service_unavailable", "WeChat is busy; try again shortly.", {
        ...extra,
        headers: { "Retry-After": "5" },
      });
    default:
      return new ApiError(
        "bad_gateway",
        `WeChat refused the login (errcode ${errcode}: ${errmsg.slice(0, 100)}).`,
        extra,
      );
  }
}

/**
 * Mock mode (local use and tests): a code maps to a stable fake openid; codes of the form
 * `mock-err-<errcode>` answer that WeChat error so clients can exercise their error paths.
 */
async function mockCode2Session(code: string): Promise<Code2SessionAnswer> {
  const error = /^mock-err-(-?\d+)$/.exec(code);
  if (error) return { errcode: Number(error[1]), errmsg: "mock error" };
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(code));
  const hex = [...new Uint8Array(digest).slice(0, 12)]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("");
  return { openid: `mock-openid-${hex}`, session_key: "mock-session-key" };
}

async function liveCode2Session(config: WechatConfig, code: string): Promise<Code2SessionAnswer> {
  if (!config.appId || !config.appSecret) {
    throw new ApiError("service_unavailable", "WeChat login is not configured on this server.");
  }
  const url = new URL("/sns/jscode2session", config.apiBase);
  url.searchParams.set("appid", config.appId);
  url.searchParams.set("secret", config.appSecret);
  url.searchParams.set("js_code", code);
  url.searchParams.set("grant_type", "authorization_code");
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch {
    throw new ApiError("bad_gateway", "WeChat could not be reached.");
  }
  if (!response.ok) throw new ApiError("bad_gateway", `WeChat answered HTTP ${response.status}.`);
  try {
    // WeChat answers JSON labelled text/plain: parse the text whatever the content type.
    const answer = JSON.parse(await response.text()) as Code2SessionAnswer;
    if (answer === null || typeof answer !== "object") throw new Error("not an object");
    return answer;
  } catch {
    throw new ApiError("bad_gateway", "WeChat's answer was not valid JSON.");
  }
}

/** The openid for a login code. session_key is dropped here and never leaves this function. */
export async function exchangeWechatCode(config: WechatConfig, code: string): Promise<string> {
  const answer =
    config.mode === "mock" ? await mockCode2Session(code) : await liveCode2Session(config, code);
  if (answer.errcode !== undefined && answer.errcode !== 0) {
    const errcode = Number(answer.errcode);
    if (!Number.isFinite(errcode))
      throw new ApiError("bad_gateway", "WeChat's answer was malformed.");
    throw wechatError(errcode, String(answer.errmsg ?? ""));
  }
  if (
    typeof answer.openid !== "string" ||
    answer.openid.length === 0 ||
    answer.openid.length > 128
  ) {
    throw new ApiError("bad_gateway", "WeChat's answer had no openid.");
  }
  return answer.openid;
}

// WeChat server APIs for recall notices: the stable access token (getStableAccessToken), cached
// per app id until shortly before it expires, and subscribeMessage.send.
// https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-access-token/getStableAccessToken.html
// https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html
import type { WechatConfig } from "./wechat";

export type SubscribeMessage = {
  touser: string;
  template_id: string;
  page?: string;
  data: Record<string, { value: string }>;
  miniprogram_state?: "developer" | "trial" | "formal";
  lang?: "zh_CN" | "en_US";
};

/**
 * sent; refused (43101: the user refused or has no subscription left); failed (a permanent
 * error, errcode kept); retry (WeChat said it did not send: -1 busy, 45009 rate limit);
 * unknown (no answer: it may or may not have been sent, so it must not be sent again).
 */
export type SendOutcome =
  | { status: "sent" }
  | { status: "refused"; errcode: number }
  | { status: "failed"; errcode: number; errmsg: string }
  | { status: "retry"; errcode: number }
  | { status: "unknown" };

export type WechatSender = (message: SubscribeMessage) => Promise<SendOutcome>;

const TIMEOUT_MS = 5000;
/** Renew this long before WeChat's expiry, so a token never dies between read and use. */
const EXPIRY_MARGIN_MS = 5 * 60_000;
const INVALID_TOKEN = new Set([40001, 40014, 42001]);
const NOT_SENT = new Set([-1, 45009, 43108]);

type CachedToken = { token: string; expiresAt: number };
const tokens = new Map<string, CachedToken>();

/** What mock mode "sent" (the latest 100): for local tooling; nothing leaves the worker. */
export const mockOutbox: SubscribeMessage[] = [];
const MOCK_OUTBOX_SIZE = 100;

export class WechatApiError extends Error {
  constructor(
    readonly errcode: number | null,
    message: string,
  ) {
    super(message);
  }
}

async function postJson(url: URL, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!response.ok) throw new WechatApiError(null, `WeChat answered HTTP ${response.status}`);
  // WeChat labels JSON text/plain at times: parse the text whatever the content type.
  const answer = JSON.parse(await response.text()) as unknown;
  if (answer === null || typeof answer !== "object") throw new WechatApiError(null, "not JSON");
  return answer as Record<string, unknown>;
}

/** A stable access token; `forceRefresh` asks WeChat for a new one (after 40001). */
export async function stableAccessToken(
  config: WechatConfig,
  { forceRefresh = false, now = Date.now() } = {},
): Promise<string> {
  if (!config.appId || !config.appSecret)
    throw new WechatApiError(null, "WeChat app id and secret are not configured");
  const cached = tokens.get(config.appId);
  if (!forceRefresh && cached && cached.expiresAt > now) return cached.token;
  const answer = await postJson(new URL("/cgi-bin/stable_token", config.apiBase), {
    grant_type: "client_credential",
    appid: config.appId,
    secret: config.appSecret,
    force_refresh: forceRefresh,
  });
  const token = answer.access_token;
  const expiresIn = Number(answer.expires_in);
  if (typeof token !== "string" || !Number.isFinite(expiresIn)) {
    throw new WechatApiError(
      Number(answer.errcode ?? 0) || null,
      String(answer.errmsg ?? "no token"),
    );
  }
  tokens.set(config.appId, {
    token,
    expiresAt: now + Math.max(0, expiresIn * 1000 - EXPIRY_MARGIN_MS),
  });
  return token;
}

/** Forgets cached tokens (tests). */
export function clearTokenCache(): void {
  tokens.clear();
}

async function sendOnce(config: WechatConfig, token: string, message: SubscribeMessage) {
  const url = new URL("/cgi-bin/message/subscribe/send", config.apiBase);
  url.searchParams.set("access_token", token);
  const answer = await postJson(url, message);
  return { errcode: Number(answer.errcode ?? 0), errmsg: String(answer.errmsg ?? "") };
}

function outcomeOf(errcode: number, errmsg: string): SendOutcome {
  if (errcode === 0) return { status: "sent" };
  if (errcode === 43101) return { status: "refused", errcode };
  if (NOT_SENT.has(errcode)) return { status: "retry", errcode };
  return { status: "failed", errcode, errmsg: errmsg.slice(0, 200) };
}

/**
 * subscribeMessage.send. An invalid token (40001, 40014, 42001: expired, or replaced by a force
 * refresh elsewhere) is refreshed once and the send retried once.
 */
export async function sendSubscribeMessage(
  config: WechatConfig,
  message: SubscribeMessage,
): Promise<SendOutcome> {
  if (config.mode === "mock") {
    mockOutbox.push(message);
    if (mockOutbox.length > MOCK_OUTBOX_SIZE) mockOutbox.shift();
    return { status: "sent" };
  }
  let token: string;
  try {
    token = await stableAccessToken(config);
  } catch {
    // No token means nothing was sent: safe to try again later.
    return { status: "retry", errcode: -1 };
  }
  try {
    let answer = await sendOnce(config, token, message);
    if (INVALID_TOKEN.has(answer.errcode)) {
      try {
        token = await stableAccessToken(config, { forceRefresh: true });
      } catch {
        return { status: "retry", errcode: answer.errcode };
      }
      answer = await sendOnce(config, token, message);
    }
    return outcomeOf(answer.errcode, answer.errmsg);
  } catch {
    return { status: "unknown" };
  }
}

export function wechatSender(config: WechatConfig): WechatSender {
  return (message) => sendSubscribeMessage(config, message);
}

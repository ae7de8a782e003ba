// The domain check file of WeChat's plain-link QR rule (扫普通链接二维码打开小程序): WeChat gives a
// `<name>.txt` with fixed content that must be served at the root of the label host before the
// rule can be published. Configured by WECHAT_QR_CHECK_FILE (the name, with or without .txt) and
// WECHAT_QR_CHECK_CONTENT; every other .txt name answers 404. Not an API operation, so not in
// /openapi.json (like the pages).
import { Hono } from "hono";
import { ApiError } from "../../lib/errors";
import type { AppEnv } from "../../types";

export function checkFileName(configured: string | undefined): string | null {
  const name = configured
    ?.trim()
    .replace(/^\/+/, "")
    .replace(/\.txt$/i, "");
  return name && /^[A-Za-z0-9_-]{1,64}$/.test(name) ? `${name}.txt` : null;
}

export const wechatCheckRouter = new Hono<AppEnv>().all("/:file{[^/]+\\.txt}", (c) => {
  if (c.req.method !== "GET" && c.req.method !== "HEAD") {
    throw new ApiError("method_not_allowed", `${c.req.method} is not allowed here.`, {
      headers: { Allow: "GET, HEAD" },
    });
  }
  const name = checkFileName(c.env.WECHAT_QR_CHECK_FILE);
  const content = c.env.WECHAT_QR_CHECK_CONTENT;
  if (!name || content === undefined || c.req.param("file") !== name) {
    throw new ApiError("not_found", "No such file.");
  }
  return c.text(content, 200, { "Cache-Control": "public, max-age=300" });
});

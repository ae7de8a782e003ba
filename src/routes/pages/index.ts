// Worker routes for the pages: /v/<CODE> (and /V/<CODE>) serves the verify page, /console/*
// the console's index.html (both assets).
import { type Context, Hono } from "hono";
import { ApiError } from "../../lib/errors";
import type { AppEnv } from "../../types";

/** No inline script anywhere: every page loads its code from /assets. */
export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

// Mounted with `all` (not documented in /openapi.json: these are pages and redirects, not API
// operations); anything but GET and HEAD answers 405.
function onlyGet(method: string): void {
  if (method !== "GET" && method !== "HEAD") {
    throw new ApiError("method_not_allowed", `${method} is not allowed here.`, {
      headers: { Allow: "GET, HEAD" },
    });
  }
}

/** An HTML page from the assets, with the pages' CSP and its own caching. */
async function page(c: Context<AppEnv>, path: string, cacheControl: string): Promise<Response> {
  onlyGet(c.req.method);
  const asset = await c.env.ASSETS.fetch(new URL(path, c.req.url));
  const headers = new Headers(asset.headers);
  headers.set("Content-Security-Policy", PAGE_CSP);
  headers.set("Cache-Control", cacheControl);
  headers.set("Content-Type", "text/html; charset=utf-8");
  return new Response(asset.body, { status: asset.ok ? 200 : asset.status, headers });
}

/** The verify page; the page's script reads the code from the path and posts the scan. */
const verifyPage = (c: Context<AppEnv>) => page(c, "/v/index.html", "no-store");

// Labels print `HTTPS://HOST/V/CODE` (upper case for the QR alphanumeric mode) and phones open
// that text verbatim: browsers lower-case scheme and host but keep the path, so both `/V/` and
// `/v/` are routed (the code itself is matched case-insensitively by the scan).
export const pagesRouter = new Hono<AppEnv>()
  .all("/v/:code", verifyPage)
  .all("/V/:code", verifyPage)
  // The console is a single-page app: every route under /console/ is its index.html, so a
  // link to a case or a batch opens in a new tab. Its bundles (/console/assets/) are assets.
  .all("/console/*", (c) => page(c, "/console/index.html", "no-cache"));

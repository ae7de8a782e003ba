// Worker routes for the pages: /v/<CODE> serves the verify page (an asset), /console/* the
// console's index.html, and the GS1
// Digital Link form /01/{gtin}/10/{lot}/21/{serial} redirects to it.
import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { getDb } from "../../db/client";
import { labels } from "../../db/schema";
import { ApiError } from "../../lib/errors";
import { parseGtin } from "../../lib/gtin";
import { parseLabelKeys, verifyLabelCode } from "../../lib/label-code";
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

export const pagesRouter = new Hono<AppEnv>()
  .all("/v/:code", async (c) => {
    onlyGet(c.req.method);
    const asset = await c.env.ASSETS.fetch(new URL("/v/index.html", c.req.url));
    const headers = new Headers(asset.headers);
    headers.set("Content-Security-Policy", PAGE_CSP);
    headers.set("Cache-Control", "no-store");
    headers.set("Content-Type", "text/html; charset=utf-8");
    return new Response(asset.body, { status: asset.ok ? 200 : asset.status, headers });
  })
  // The console is a single-page app: every route under /console/ is its index.html, so a
  // link to a case or a batch opens in a new tab. Its bundles (/console/assets/) are assets.
  .all("/console/*", async (c) => {
    onlyGet(c.req.method);
    const asset = await c.env.ASSETS.fetch(new URL("/console/index.html", c.req.url));
    const headers = new Headers(asset.headers);
    headers.set("Content-Security-Policy", PAGE_CSP);
    headers.set("Cache-Control", "no-cache");
    headers.set("Content-Type", "text/html; charset=utf-8");
    return new Response(asset.body, { status: asset.ok ? 200 : asset.status, headers });
  })
  .all("/01/:gtin/10/:lot/21/:serial", async (c) => {
    onlyGet(c.req.method);
    const parsed = parseGtin(c.req.param("gtin"));
    if (!parsed.ok) throw new ApiError("validation_failed", `Malformed GTIN: ${parsed.reason}`);
    const verified = await verifyLabelCode(
      c.req.param("serial"),
      parseLabelKeys(c.env.LABEL_HMAC_KEYS),
    );
    if (!verified.ok) throw new ApiError("not_found", "No label has this serial.");
    const row = await getDb(c.env.DB)
      .select({ code: labels.code })
      .from(labels)
      .where(eq(labels.code, verified.code))
      .get();
    if (!row) throw new ApiError("not_found", "No label has this serial.");
    return c.redirect(`/v/${encodeURIComponent(row.code)}`, 307);
  });

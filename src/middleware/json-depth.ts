import type { MiddlewareHandler } from "hono";
import { fieldError } from "../lib/errors";
import { jsonTextDepth } from "../lib/json-nesting";
import type { AppEnv } from "../types";

/** No document of this API nests deeper (GeoJSON multipolygons reach 4). */
export const MAX_JSON_DEPTH = 32;

/**
 * Refuses JSON bodies nested deeper than MAX_JSON_DEPTH with 400 before anything parses or
 * walks them, so that no validator or serialiser can overflow the stack on them.
 */
export function jsonDepthLimit(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const type = c.req.header("Content-Type") ?? "";
    if (!/^application\/([\w.+-]*\+)?json\b/i.test(type)) return next();
    if (jsonTextDepth(await c.req.text(), MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
      throw fieldError(
        "body",
        `nested at most ${MAX_JSON_DEPTH} levels`,
        `JSON nested deeper than ${MAX_JSON_DEPTH} levels.`,
      );
    }
    return next();
  };
}

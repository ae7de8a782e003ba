import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ApiError } from "../lib/errors";
import type { AppEnv } from "../types";

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const limiters = new Map<number, MiddlewareHandler>();

/**
 * Refuses bodies over MAX_BODY_BYTES (1 MiB by default) with 413. A declared Content-Length is
 * refused before reading; a chunked body is counted while streaming and cut off at the limit.
 */
export function maxBodySize(): MiddlewareHandler<AppEnv> {
  return (c, next) => {
    const configured = Number.parseInt(c.env.MAX_BODY_BYTES ?? "", 10);
    const maxSize =
      Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_MAX_BODY_BYTES;
    let limiter = limiters.get(maxSize);
    if (!limiter) {
      limiter = bodyLimit({
        maxSize,
        onError: () => {
          throw new ApiError("payload_too_large", `The request body exceeds ${maxSize} bytes.`, {
            extra: { max_bytes: maxSize },
          });
        },
      });
      limiters.set(maxSize, limiter);
    }
    return limiter(c, next);
  };
}

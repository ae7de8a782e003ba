import type { RouteHandler } from "@hono/zod-openapi";
import { ApiError } from "../../lib/errors";
import type { AppEnv } from "../../types";
import type * as routes from "./health.routes";

export const healthz: RouteHandler<typeof routes.healthz, AppEnv> = (c) =>
  c.json({ status: "ok" as const }, 200);

export const readyz: RouteHandler<typeof routes.readyz, AppEnv> = async (c) => {
  try {
    await c.env.DB.prepare("SELECT 1").first();
  } catch (error) {
    console.error("readyz: D1 check failed", error);
    throw new ApiError("service_unavailable", "The database does not answer.");
  }
  return c.json({ status: "ok" as const }, 200);
};

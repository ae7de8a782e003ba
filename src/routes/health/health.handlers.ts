import { ApiError } from "../../lib/errors";
import type { AppRouteHandler } from "../../types";
import type * as routes from "./health.routes";

export const healthz: AppRouteHandler<typeof routes.healthz> = (c) =>
  c.json({ status: "ok" as const }, 200);

export const readyz: AppRouteHandler<typeof routes.readyz> = async (c) => {
  try {
    await c.env.DB.prepare("SELECT 1").first();
  } catch (error) {
    console.error("readyz: D1 check failed", error);
    throw new ApiError("service_unavailable", "The database does not answer.");
  }
  return c.json({ status: "ok" as const }, 200);
};

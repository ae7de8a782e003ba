import type { RouteHandler } from "@hono/zod-openapi";
import { listLabelTemplates } from "../../lib/label-templates";
import type { AppEnv } from "../../types";
import type * as routes from "./label-templates.routes";

export const list: RouteHandler<typeof routes.list, AppEnv> = (c) =>
  c.json({ items: listLabelTemplates() }, 200);

import { listLabelTemplates } from "../../lib/label-templates";
import type { AppRouteHandler } from "../../types";
import type * as routes from "./label-templates.routes";

export const list: AppRouteHandler<typeof routes.list> = (c) =>
  c.json({ items: listLabelTemplates() }, 200);

import { createRouter } from "../../lib/create-router";
import * as handlers from "./me.handlers";
import * as routes from "./me.routes";

export const meRouter = createRouter()
  .openapi(routes.subscribe, handlers.subscribe)
  .openapi(routes.notificationsList, handlers.notificationsList);

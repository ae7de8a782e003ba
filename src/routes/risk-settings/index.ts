import { createRouter } from "../../lib/create-router";
import * as handlers from "./risk-settings.handlers";
import * as routes from "./risk-settings.routes";

export const riskSettingsRouter = createRouter()
  .openapi(routes.get, handlers.get)
  .openapi(routes.put, handlers.put);

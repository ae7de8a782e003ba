import { routerOf } from "../../lib/create-router";
import * as handlers from "./risk-settings.handlers";
import * as routes from "./risk-settings.routes";

export const riskSettingsRouter = routerOf(routes, handlers);

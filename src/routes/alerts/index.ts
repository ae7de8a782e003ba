import { routerOf } from "../../lib/create-router";
import * as handlers from "./alerts.handlers";
import * as routes from "./alerts.routes";

export const alertsRouter = routerOf(routes, handlers);

import { routerOf } from "../../lib/create-router";
import * as handlers from "./reports.handlers";
import * as routes from "./reports.routes";

export const reportsRouter = routerOf(routes, handlers);

import { routerOf } from "../../lib/create-router";
import * as handlers from "./me.handlers";
import * as routes from "./me.routes";

export const meRouter = routerOf(routes, handlers);

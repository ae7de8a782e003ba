import { routerOf } from "../../lib/create-router";
import * as handlers from "./organizations.handlers";
import * as routes from "./organizations.routes";

export const organizationsRouter = routerOf(routes, handlers);

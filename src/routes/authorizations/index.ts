import { routerOf } from "../../lib/create-router";
import * as handlers from "./authorizations.handlers";
import * as routes from "./authorizations.routes";

export const authorizationsRouter = routerOf(routes, handlers);

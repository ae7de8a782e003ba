import { routerOf } from "../../lib/create-router";
import * as handlers from "./audit.handlers";
import * as routes from "./audit.routes";

export const auditRouter = routerOf(routes, handlers);

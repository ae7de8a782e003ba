import { routerOf } from "../../lib/create-router";
import * as handlers from "./users.handlers";
import * as routes from "./users.routes";

export const usersRouter = routerOf(routes, handlers);

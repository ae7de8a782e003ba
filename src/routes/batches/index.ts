import { routerOf } from "../../lib/create-router";
import * as handlers from "./batches.handlers";
import * as routes from "./batches.routes";

export const batchesRouter = routerOf(routes, handlers);

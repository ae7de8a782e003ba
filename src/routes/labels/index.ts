import { routerOf } from "../../lib/create-router";
import * as batchLabelHandlers from "./batch-labels.handlers";
import * as batchLabelRoutes from "./batch-labels.routes";
import * as handlers from "./labels.handlers";
import * as routes from "./labels.routes";

export const labelsRouter = routerOf(
  { ...routes, ...batchLabelRoutes },
  { ...handlers, ...batchLabelHandlers },
);

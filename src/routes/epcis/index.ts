import { routerOf } from "../../lib/create-router";
import * as handlers from "./epcis.handlers";
import * as routes from "./epcis.routes";
import * as capture from "./epcis-capture.handlers";

export const epcisRouter = routerOf(routes, { ...handlers, ...capture });

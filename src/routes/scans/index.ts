import { routerOf } from "../../lib/create-router";
import { addLocation } from "./scan-location.handlers";
import * as handlers from "./scans.handlers";
import * as routes from "./scans.routes";

export const scansRouter = routerOf(routes, { ...handlers, addLocation });

import { routerOf } from "../../lib/create-router";
import * as handlers from "./label-templates.handlers";
import * as routes from "./label-templates.routes";

export const labelTemplatesRouter = routerOf(routes, handlers);

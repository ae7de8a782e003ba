import { createRouter } from "../../lib/create-router";
import * as handlers from "./stats.handlers";
import * as routes from "./stats.routes";

export const statsRouter = createRouter().openapi(routes.overview, handlers.overview);

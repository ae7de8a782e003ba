import { routerOf } from "../../lib/create-router";
import * as handlers from "./gi-products.handlers";
import * as routes from "./gi-products.routes";

export const giProductsRouter = routerOf(routes, handlers);

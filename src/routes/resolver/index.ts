import { createRouter } from "../../lib/create-router";
import * as handlers from "./resolver.handlers";
import * as routes from "./resolver.routes";

// /01/... is a GS1 protocol endpoint (redirects and linksets chosen by query and Accept), kept
// out of the OpenAPI document like the pages; the description file is an ordinary operation.
export const resolverRouter = createRouter()
  .openapi(routes.describeResolver, handlers.describeResolver)
  .all(handlers.CONTEXT_PATH, handlers.linksetContextFile)
  .use("/01/*", handlers.resolverCors)
  .all("/01/*", handlers.resolveDigitalLink);

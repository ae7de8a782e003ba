import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { createRouter } from "./lib/create-router";
import { DOCS_CSP, docsPage } from "./lib/docs-page";
import { ApiError, type ErrorCode, renderProblem } from "./lib/errors";
import { allowedMethods } from "./lib/method-not-allowed";
import { registerProblemResponses } from "./lib/openapi";
import { openApiDocument } from "./lib/openapi-document";
import { maxBodySize } from "./middleware/body-limit";
import { configCheck } from "./middleware/config-check";
import { corsPolicy, type OperationSpec } from "./middleware/cors";
import { d1Session } from "./middleware/d1-session";
import { jsonDepthLimit } from "./middleware/json-depth";
import { requestIdentity } from "./middleware/request-id";
import { alertsRouter } from "./routes/alerts";
import { auditRouter } from "./routes/audit";
import { authRouter } from "./routes/auth";
import { authorizationsRouter } from "./routes/authorizations";
import { batchesRouter } from "./routes/batches";
import { epcisRouter } from "./routes/epcis";
import { giProductsRouter } from "./routes/gi-products";
import { healthRouter } from "./routes/health";
import { labelTemplatesRouter } from "./routes/label-templates";
import { labelsRouter } from "./routes/labels";
import { meRouter } from "./routes/me";
import { organizationsRouter } from "./routes/organizations";
import { pagesRouter } from "./routes/pages";
import { reportsRouter } from "./routes/reports";
import { resolverRouter } from "./routes/resolver";
import { riskSettingsRouter } from "./routes/risk-settings";
import { scansRouter } from "./routes/scans";
import { statsRouter } from "./routes/stats";
import { usersRouter } from "./routes/users";
import { wechatCheckRouter } from "./routes/wechat-check";
import type { AppEnv } from "./types";

const httpExceptionCodes: Record<number, ErrorCode> = {
  400: "malformed_json",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "rate_limited",
};

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof HTTPException) {
    const code = httpExceptionCodes[error.status];
    if (code) return new ApiError(code, error.message || "The request was refused.");
  }
  console.error("unhandled error", error);
  return new ApiError("internal_error", "Something went wrong on our side; it has been logged.");
}

function documentedOperations(app: ReturnType<typeof createRouter>): OperationSpec[] {
  return app.openAPIRegistry.definitions.flatMap((definition) =>
    definition.type === "route" ? [definition.route] : [],
  );
}

const requestIdOf = (c: Context<AppEnv>) => c.get("requestId") ?? crypto.randomUUID();

export function createApp() {
  const app = createRouter();

  app.use(requestIdentity());
  app.use(secureHeaders());
  app.use(configCheck());
  app.use(corsPolicy(() => documentedOperations(app)));
  app.use(maxBodySize());
  app.use(jsonDepthLimit());
  app.use(d1Session());

  app.route("/", healthRouter);
  app.route("/", authRouter);
  app.route("/", usersRouter);
  app.route("/", giProductsRouter);
  app.route("/", organizationsRouter);
  app.route("/", authorizationsRouter);
  app.route("/", batchesRouter);
  app.route("/", labelsRouter);
  app.route("/", labelTemplatesRouter);
  app.route("/", scansRouter);
  app.route("/", riskSettingsRouter);
  app.route("/", alertsRouter);
  app.route("/", reportsRouter);
  app.route("/", meRouter);
  app.route("/", statsRouter);
  app.route("/", auditRouter);
  app.route("/", pagesRouter);
  app.route("/", resolverRouter);
  app.route("/", epcisRouter);
  app.route("/", wechatCheckRouter);

  app.doc31("/openapi.json", openApiDocument);
  registerProblemResponses(app.openAPIRegistry);
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
  });
  app.openAPIRegistry.registerComponent("parameters", "D1Bookmark", {
    name: "X-D1-Bookmark",
    in: "header",
    required: false,
    description:
      "The X-D1-Bookmark of a previous answer: this request then sees at least what that one did (D1 Sessions API). Any operation accepts it; a malformed value is ignored.",
    schema: { type: "string", maxLength: 200, example: "00000001-00000002-00004e6e-0123abcd" },
  });
  app.openAPIRegistry.registerComponent("headers", "X-D1-Bookmark", {
    description: "The D1 session bookmark after this request, for the next request to send back.",
    schema: { type: "string" },
  });
  app.get("/docs", (c) => {
    c.header("Content-Security-Policy", DOCS_CSP);
    return c.html(docsPage("gi-trace API"));
  });

  app.notFound((c) => {
    const methods = allowedMethods(app.routes, c.req.path);
    if (methods.length > 0 && !methods.includes(c.req.method)) {
      return renderProblem(
        c,
        new ApiError("method_not_allowed", `${c.req.method} is not allowed on ${c.req.path}.`, {
          headers: { Allow: methods.join(", ") },
        }),
        requestIdOf(c),
      );
    }
    return renderProblem(
      c,
      new ApiError("not_found", `No route matches ${c.req.method} ${c.req.path}.`),
      requestIdOf(c),
    );
  });

  app.onError((error, c) => renderProblem(c, toApiError(error), requestIdOf(c)));

  return app;
}

export type App = ReturnType<typeof createApp>;

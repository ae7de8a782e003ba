import { createRoute, type RouteConfig, type z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { Role } from "../db/schema";
import { requireAuth } from "../middleware/auth";
import { idempotencyHeader, idempotent } from "../middleware/idempotency";
import type { AppEnv } from "../types";
import { type DocumentedStatus, errorResponses, jsonContent } from "./openapi";
import type { Tag } from "./openapi-document";
import { pageOf } from "./pagination";
import { type PathParamsOf, pathParamsOf } from "./route-params";

/** Who may call an operation: anyone, any signed-in user, or signed-in users of these roles. */
export type Access = "public" | "signed-in" | readonly [Role, ...Role[]];

/** The query and body of an operation: its path parameters follow from its path. */
type RequestSpec = Omit<NonNullable<RouteConfig["request"]>, "params" | "headers">;

/** The scope of an operation's Idempotency-Keys and, optionally, what the header means for it. */
type Idempotency = string | { scope: string; header: string };

type OperationSpec = Omit<
  RouteConfig,
  "method" | "path" | "operationId" | "tags" | "security" | "middleware" | "request"
> & {
  access: Access;
  request?: RequestSpec;
  /** Error statuses beyond those that the path, request and access imply (impliedErrors). */
  errors?: readonly DocumentedStatus[];
  /** Middleware that runs after the sign-in check and the idempotency key's. */
  middleware?: MiddlewareHandler<AppEnv>[];
  /** Retries with the same Idempotency-Key replay the first answer (middleware/idempotency). */
  idempotent?: Idempotency;
};

type SpecRequest<S> = S extends { request: infer R } ? R : unknown;
type PathRequest<P extends string> =
  PathParamsOf<P> extends undefined ? unknown : { params: PathParamsOf<P> };
type KeyRequest<S> = S extends { idempotent: Idempotency }
  ? { headers: ReturnType<typeof idempotencyHeader> }
  : unknown;
type RequestOrNone<T> = unknown extends T ? undefined : T;

/** The request of operation S on path P: the spec's parts, the path's parameters, the key's header. */
type FullRequest<P extends string, S> = RequestOrNone<
  SpecRequest<S> & PathRequest<P> & KeyRequest<S>
>;

/**
 * What an operation of this path, request and access can answer whatever it does: 400 when any
 * part of the request is validated, 401 when it needs a token and 403 when only some roles may
 * call, 404 when its path names something by a parameter, 409 when it takes an Idempotency-Key
 * (a key reused for another request, or still in flight), 413 and 415 when it takes a body.
 * 500 and 503 every operation can (errorResponses).
 */
export function impliedErrors(
  path: string,
  request: RouteConfig["request"],
  access: Access,
  idempotency?: Idempotency,
): DocumentedStatus[] {
  const statuses: DocumentedStatus[] = [];
  if (request && Object.values(request).some((part) => part !== undefined)) statuses.push(400);
  if (access !== "public") statuses.push(401);
  if (Array.isArray(access)) statuses.push(403);
  if (path.includes("{")) statuses.push(404);
  if (idempotency !== undefined) statuses.push(409);
  if (request?.body) statuses.push(413, 415);
  return statuses;
}

// Module namespaces list their exports alphabetically: routerOf registers the specs in the order
// their route file declares them, which is the order of the document.
let specsDeclared = 0;
const declaredAt = new WeakMap<object, number>();

/** The place of a spec among all specs made here, in the order they were declared. */
export const declarationOrder = (route: object) =>
  declaredAt.get(route) ?? Number.POSITIVE_INFINITY;

/**
 * A createRoute spec with what every operation shares written once: its tag, the bearer security
 * and the role check of its access (or `security: []` when public), and the problem answers that
 * follow from its request and access beside its own `errors`. The spec gives its success answers.
 */
function operation<M extends RouteConfig["method"], P extends string, S extends OperationSpec>(
  tag: Tag,
  method: M,
  path: P,
  operationId: string,
  spec: S,
) {
  const {
    access,
    errors = [],
    middleware = [],
    idempotent: idempotency,
    responses,
    ...rest
  } = spec;
  const signIn =
    access === "public" ? [] : [requireAuth(...(access === "signed-in" ? [] : access))];
  const keyed =
    idempotency === undefined
      ? undefined
      : typeof idempotency === "string"
        ? { scope: idempotency, header: undefined }
        : idempotency;
  const allMiddleware = [...signIn, ...(keyed ? [idempotent(keyed.scope)] : []), ...middleware];
  const params = pathParamsOf(path);
  const parts = {
    ...(params ? { params } : {}),
    ...(keyed ? { headers: idempotencyHeader(keyed.header) } : {}),
    ...spec.request,
  };
  const request = Object.keys(parts).length > 0 ? parts : undefined;
  const route = createRoute({
    operationId,
    tags: [tag],
    ...rest,
    request: request as FullRequest<P, S>,
    method,
    path,
    security: access === "public" ? [] : [{ bearer: [] }],
    ...(allMiddleware.length > 0 ? { middleware: allMiddleware } : {}),
    responses: {
      ...responses,
      ...errorResponses(...impliedErrors(path, request, access, idempotency), ...errors),
    } as S["responses"] & ReturnType<typeof errorResponses>,
  });
  declaredAt.set(route, specsDeclared++);
  return route;
}

/**
 * The operations of one tag, a route file's resource: `registry.get(path, operationId, spec)`
 * and likewise for the other methods.
 */
export function operationsOf(tag: Tag) {
  const method =
    <M extends RouteConfig["method"]>(m: M) =>
    <P extends string, S extends OperationSpec>(path: P, operationId: string, spec: S) =>
      operation(tag, m, path, operationId, spec);
  return {
    get: method("get"),
    post: method("post"),
    put: method("put"),
    patch: method("patch"),
    delete: method("delete"),
  };
}

/** The JSON answer of a list operation: one page of `item`s and the cursor of the next. */
export function jsonPage<T extends z.ZodType>(item: T, description: string) {
  return jsonContent(pageOf(item), description);
}

import { createRoute, z } from "@hono/zod-openapi";
import { authorizationStatuses } from "../../db/schema";
import { errorResponses, jsonBody, jsonContent } from "../../lib/openapi";
import { ListQuerySchema, pageOf } from "../../lib/pagination";
import { IdParam } from "../../lib/route-params";
import { authenticated } from "../../middleware/auth";
import {
  AuthorizationSchema,
  CreateAuthorizationSchema,
  PublicAuthorizationSchema,
  StatusChangeSchema,
} from "./authorizations.schemas";

export const create = createRoute({
  method: "post",
  path: "/v1/authorizations",
  operationId: "createAuthorization",
  tags: ["registry"],
  summary: "Authorize an organization to use a GI mark (admin)",
  description:
    "An organization cannot hold two overlapping active or suspended authorizations for one GI product (409).",
  ...authenticated("admin"),
  request: { body: jsonBody(CreateAuthorizationSchema) },
  responses: {
    201: jsonContent(AuthorizationSchema, "The authorization"),
    ...errorResponses(400, 401, 403, 409, 413, 415, 422),
  },
});

export const list = createRoute({
  method: "get",
  path: "/v1/authorizations",
  operationId: "listAuthorizations",
  tags: ["registry"],
  summary: "List authorizations in the caller's reach",
  ...authenticated("admin", "regulator", "producer"),
  request: {
    query: ListQuerySchema.extend({
      organization_id: z.string().max(64).optional(),
      gi_product_id: z.string().max(64).optional(),
      status: z.enum(authorizationStatuses).optional().openapi({ description: "Stored status" }),
    }),
  },
  responses: {
    200: jsonContent(pageOf(AuthorizationSchema), "A page of authorizations"),
    ...errorResponses(400, 401, 403),
  },
});

export const get = createRoute({
  method: "get",
  path: "/v1/authorizations/{id}",
  operationId: "getAuthorization",
  tags: ["registry"],
  summary: "Read an authorization",
  ...authenticated("admin", "regulator", "producer"),
  request: { params: IdParam },
  responses: {
    200: jsonContent(AuthorizationSchema, "The authorization"),
    ...errorResponses(400, 401, 403, 404),
  },
});

export const changeStatus = createRoute({
  method: "post",
  path: "/v1/authorizations/{id}/status",
  operationId: "changeAuthorizationStatus",
  tags: ["registry"],
  summary: "Suspend, reinstate or revoke (admin; regulator whose region covers the organization)",
  description: "A reason is required. Revocation is final.",
  ...authenticated("admin", "regulator", "producer"),
  request: { params: IdParam, body: jsonBody(StatusChangeSchema) },
  responses: {
    200: jsonContent(AuthorizationSchema, "The authorization after the change"),
    ...errorResponses(400, 401, 403, 404, 409, 413, 415),
  },
});

export const publicLookup = createRoute({
  method: "get",
  path: "/v1/public/authorizations",
  operationId: "lookUpPublicAuthorizations",
  tags: ["public"],
  security: [],
  summary: "Is this company authorized to use this GI? (anyone)",
  description: "Give exactly one of uscc or number. Contacts and quotas are never shown.",
  request: {
    query: z.object({
      uscc: z.string().trim().min(1).max(32).optional(),
      number: z.string().trim().min(1).max(64).optional(),
    }),
  },
  responses: {
    200: jsonContent(PublicAuthorizationSchema, "The organization and its authorizations"),
    ...errorResponses(400, 404),
  },
});

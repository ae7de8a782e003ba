import type { OpenAPIHono } from "@hono/zod-openapi";

type DocumentConfig = Parameters<OpenAPIHono["getOpenAPI31Document"]>[0];

/** The tags of the document, in its order: every operation declares one of these. */
export const tagDescriptions = {
  health: "Liveness and readiness of the worker",
  auth: "Sign-in, token refresh and the signing keys of access tokens",
  users: "Accounts of producers, regulators and admins (admin)",
  registry: "GI products, producer organizations, their sites and authorizations",
  public: "Public lookups: is this company authorized to use a GI?",
  batches: "Production batches and their trace events",
  labels: "QR labels: issuing, printing, reading and voiding",
  scans: "Consumers' scans of a label and the verdict on each",
  alerts: "Counterfeit alerts raised by the risk rules, and their review",
  reports: "Consumers' reports of suspected fakes",
  notifications: "Consumers' recall-notice subscriptions and notices",
  risk: "Thresholds of the risk rules (admin)",
  stats: "Dashboard figures",
  audit: "The append-only audit log (admin)",
  gs1: "The GS1 Digital Link resolver",
  epcis: "EPCIS 2.0 capture and query",
} as const;

export type Tag = keyof typeof tagDescriptions;

/** The top of the OpenAPI document: served at /openapi.json and written by `npm run api:types`. */
export const openApiDocument: DocumentConfig = {
  openapi: "3.1.0",
  info: {
    title: "gi-trace API",
    version: "1.0.0",
    description:
      "Registry and traceability of geographical-indication (地理标志) products: GI registry, producers, batches, QR labels, scans and counterfeit alerts. Every answer carries the D1 session bookmark in `X-D1-Bookmark`; sending it back on the next request reads your own writes on any read replica.",
  },
  servers: [{ url: "/" }],
  tags: Object.entries(tagDescriptions).map(([name, description]) => ({ name, description })),
};

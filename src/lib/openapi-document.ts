import type { OpenAPIHono } from "@hono/zod-openapi";

type DocumentConfig = Parameters<OpenAPIHono["getOpenAPI31Document"]>[0];

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
  tags: [
    { name: "health", description: "Liveness and readiness of the worker" },
    { name: "auth", description: "Sign-in, token refresh and the signing keys of access tokens" },
    { name: "users", description: "Accounts of producers, regulators and admins (admin)" },
    {
      name: "registry",
      description: "GI products, producer organizations, their sites and authorizations",
    },
    { name: "public", description: "Public lookups: is this company authorized to use a GI?" },
    { name: "batches", description: "Production batches and their trace events" },
    { name: "labels", description: "QR labels: issuing, printing, reading and voiding" },
    { name: "scans", description: "Consumers' scans of a label and the verdict on each" },
    {
      name: "alerts",
      description: "Counterfeit alerts raised by the risk rules, and their review",
    },
    { name: "reports", description: "Consumers' reports of suspected fakes" },
    { name: "notifications", description: "Consumers' recall-notice subscriptions and notices" },
    { name: "risk", description: "Thresholds of the risk rules (admin)" },
    { name: "stats", description: "Dashboard figures" },
    { name: "audit", description: "The append-only audit log (admin)" },
    { name: "gs1", description: "The GS1 Digital Link resolver" },
    { name: "epcis", description: "EPCIS 2.0 capture and query" },
  ],
};

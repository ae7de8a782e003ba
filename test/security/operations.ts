import { callJson } from "../helpers/http";

export type Operation = {
  method: string;
  path: string;
  authenticated: boolean;
  operation: Record<string, unknown>;
};

export type OpenApiDocument = {
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components?: { schemas?: Record<string, unknown> };
};

const METHODS = ["get", "post", "put", "patch", "delete"];

export async function openApiDocument(): Promise<OpenApiDocument> {
  const { status, body } = await callJson<OpenApiDocument>("/openapi.json");
  if (status !== 200) throw new Error(`/openapi.json answered ${status}`);
  return body;
}

/** Every operation of /openapi.json; authenticated when it declares a non-empty security. */
export function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => {
      const operation = item[method] as Record<string, unknown>;
      const security = operation.security as unknown[] | undefined;
      return {
        method: method.toUpperCase(),
        path,
        authenticated: Array.isArray(security) && security.length > 0,
        operation,
      };
    }),
  );
}

/** The path with dummy values for its parameters. */
export const dummyPath = (template: string) =>
  template.replace("{code}", "0000000000000000000AA").replace(/\{[^}]+\}/g, "x_dummy_id");

import { z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { jsonBody, jsonContent } from "../../src/lib/openapi";
import { IdParam } from "../../src/lib/route-params";
import { impliedErrors, operationsOf } from "../../src/lib/route-specs";

const Thing = z.object({ id: z.string() });
const registry = operationsOf("registry");

describe("impliedErrors", () => {
  it("gives a public operation without input no problem of its own", () => {
    expect(impliedErrors(undefined, "public")).toEqual([]);
  });

  it("gives 400 for any validated part of the request", () => {
    expect(impliedErrors({ params: IdParam }, "public")).toEqual([400]);
    expect(impliedErrors({ query: IdParam }, "public")).toEqual([400]);
  });

  it("gives 401 to any signed-in operation and 403 only when roles are named", () => {
    expect(impliedErrors(undefined, "signed-in")).toEqual([401]);
    expect(impliedErrors(undefined, ["admin"])).toEqual([401, 403]);
  });

  it("gives 413 and 415 with a body", () => {
    expect(impliedErrors({ body: jsonBody(Thing) }, ["producer"])).toEqual([
      400, 401, 403, 413, 415,
    ]);
  });
});

describe("operationsOf", () => {
  it("declares a public operation with `security: []` and no sign-in middleware", () => {
    const spec = registry.get("/v1/things/{id}", "getThing", {
      summary: "A thing",
      access: "public",
      request: { params: IdParam },
      responses: { 200: jsonContent(Thing, "The thing") },
      errors: [404],
    });
    expect(spec).toMatchObject({ method: "get", operationId: "getThing", tags: ["registry"] });
    expect(spec.security).toEqual([]);
    expect(spec).not.toHaveProperty("middleware");
    expect(Object.keys(spec.responses)).toEqual(["200", "400", "404", "500", "503"]);
  });

  it("puts the role check before the operation's own middleware", async () => {
    const calls: string[] = [];
    const own = async (_c: unknown, next: () => Promise<void>) => {
      calls.push("own");
      await next();
    };
    const spec = registry.post("/v1/things", "createThing", {
      summary: "Create a thing",
      access: ["admin"],
      middleware: [own],
      request: { body: jsonBody(Thing) },
      responses: { 201: jsonContent(Thing, "The thing") },
    });
    expect(spec.security).toEqual([{ bearer: [] }]);
    expect(spec.middleware).toHaveLength(2);
    expect(spec.middleware?.[1]).toBe(own);
    expect(Object.keys(spec.responses)).toEqual([
      "201",
      "400",
      "401",
      "403",
      "413",
      "415",
      "500",
      "503",
    ]);
  });
});

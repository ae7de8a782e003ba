import { z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { jsonBody, jsonContent } from "../../src/lib/openapi";
import { CodeParam, IdParam } from "../../src/lib/route-params";
import { impliedErrors, operationsOf } from "../../src/lib/route-specs";

const Thing = z.object({ id: z.string() });
const registry = operationsOf("registry");

describe("impliedErrors", () => {
  it("gives a public operation without input no problem of its own", () => {
    expect(impliedErrors("/v1/things", undefined, "public")).toEqual([]);
  });

  it("gives 400 for any validated part of the request", () => {
    expect(impliedErrors("/v1/things", { query: IdParam }, "public")).toEqual([400]);
  });

  it("gives 401 to any signed-in operation and 403 only when roles are named", () => {
    expect(impliedErrors("/v1/things", undefined, "signed-in")).toEqual([401]);
    expect(impliedErrors("/v1/things", undefined, ["admin"])).toEqual([401, 403]);
  });

  it("gives 404 to an operation whose path names something by a parameter", () => {
    expect(impliedErrors("/v1/things/{id}", { params: IdParam }, "public")).toEqual([400, 404]);
  });

  it("gives 409 to an operation that takes an Idempotency-Key", () => {
    expect(impliedErrors("/v1/things", undefined, "public", "things.create")).toEqual([409]);
  });

  it("gives 413 and 415 with a body", () => {
    expect(impliedErrors("/v1/things", { body: jsonBody(Thing) }, ["producer"])).toEqual([
      400, 401, 403, 413, 415,
    ]);
  });
});

describe("operationsOf", () => {
  it("declares a public operation with `security: []` and no sign-in middleware", () => {
    const spec = registry.get("/v1/things/{id}", "getThing", {
      summary: "A thing",
      access: "public",
      responses: { 200: jsonContent(Thing, "The thing") },
    });
    expect(spec).toMatchObject({ method: "get", operationId: "getThing", tags: ["registry"] });
    expect(spec.request).toEqual({ params: IdParam });
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

  it("takes its path parameters from the path and refuses one it has no schema for", () => {
    const spec = registry.get("/v1/labels/{code}/qr.svg", "getThingQr", {
      summary: "A label's QR",
      access: ["admin"],
      request: { query: Thing },
      responses: { 200: jsonContent(Thing, "The QR") },
    });
    expect(spec.request).toEqual({ params: CodeParam, query: Thing });
    expect(() =>
      registry.get("/v1/things/{thing_id}", "getOtherThing", {
        summary: "A thing",
        access: "public",
        responses: { 200: jsonContent(Thing, "The thing") },
      }),
    ).toThrow(/no schema for the parameters/);
  });

  it("puts the idempotency key's header, middleware and 409 on an idempotent operation", () => {
    const spec = registry.post("/v1/things", "createIdempotentThing", {
      summary: "Create a thing once",
      access: ["admin"],
      idempotent: { scope: "things.create", header: "One per thing" },
      request: { body: jsonBody(Thing) },
      responses: { 201: jsonContent(Thing, "The thing") },
    });
    expect(Object.keys(spec.request.headers.shape)).toEqual(["idempotency-key"]);
    expect(spec.middleware).toHaveLength(2);
    expect(Object.keys(spec.responses)).toContain("409");
  });
});

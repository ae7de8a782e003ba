import { z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { routerOf } from "../../src/lib/create-router";
import { jsonContent } from "../../src/lib/openapi";
import { operationsOf } from "../../src/lib/route-specs";

const health = operationsOf("health");
const Ok = z.object({ name: z.string() });

// Declared in the opposite order of their names, as a module namespace would list them.
const second = health.get("/second", "getSecond", {
  summary: "Declared first",
  access: "public",
  responses: { 200: jsonContent(Ok, "Its name") },
});
const first = health.get("/first", "getFirst", {
  summary: "Declared second",
  access: "public",
  responses: { 200: jsonContent(Ok, "Its name") },
});

describe("routerOf", () => {
  const routes = { first, second, NotARoute: Ok };
  const router = routerOf(routes, {
    first: (c) => c.json({ name: "first" }, 200),
    second: (c) => c.json({ name: "second" }, 200),
  });

  it("registers the specs in the order they were declared and passes over other exports", () => {
    const paths = router.openAPIRegistry.definitions.flatMap((definition) =>
      definition.type === "route" ? [definition.route.path] : [],
    );
    expect(paths).toEqual(["/second", "/first"]);
  });

  it("serves each spec with the handler of its name", async () => {
    const response = await router.request("/first");
    expect(await response.json()).toEqual({ name: "first" });
  });
});

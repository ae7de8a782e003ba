import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";

// ajv compiles validators with `new Function`, which workerd forbids: this one runs in Node on
// the same app the worker serves.
describe("OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const document = createApp().getOpenAPI31Document({
      openapi: "3.1.0",
      info: { title: "gi-trace API", version: "1.0.0" },
    });
    const validator = new Validator();
    const result = await validator.validate(document as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });
});

import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { openApiDocument } from "../../src/lib/openapi-document";

// ajv compiles validators with `new Function`, which workerd forbids: this one runs in Node on
// the same app the worker serves.
describe("OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const document = createApp().getOpenAPI31Document(openApiDocument);
    const validator = new Validator();
    const result = await validator.validate(document as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });
});

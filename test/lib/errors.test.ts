import { describe, expect, it } from "vitest";
import { fieldError, problemOf } from "../../src/lib/errors";

describe("fieldError", () => {
  it("is a 400 validation_failed naming the one field", () => {
    const error = fieldError("query.cursor", "invalid cursor", "The cursor is not one we issued.");
    expect(error.code).toBe("validation_failed");
    expect(error.status).toBe(400);
    expect(problemOf(error, "req-1")).toMatchObject({
      detail: "The cursor is not one we issued.",
      errors: [{ path: "query.cursor", message: "invalid cursor" }],
    });
  });

  it("uses the field's message as the detail when none is given", () => {
    expect(fieldError("body.gtin", "bad check digit").message).toBe("bad check digit");
  });
});

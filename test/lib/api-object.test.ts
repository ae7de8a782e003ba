import { z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { apiObject } from "../../src/lib/schemas/api-object";

const Thing = z.object({
  id: z.string(),
  status_reason: z.string().nullable(),
  gtin_14: z.string(),
  region_name: z.string(),
});

describe("apiObject", () => {
  it("takes each field from the camelCase column, and only the schema's fields", () => {
    const row = {
      id: "thg_1",
      statusReason: null,
      gtin14: "06901234567892",
      regionName: "舟山市",
      passwordHash: "secret",
    };
    const thing = apiObject(Thing, row);
    expect(thing).toEqual({
      id: "thg_1",
      status_reason: null,
      gtin_14: "06901234567892",
      region_name: "舟山市",
    });
    expect(Object.keys(thing)).toEqual(["id", "status_reason", "gtin_14", "region_name"]);
  });

  it("takes the derived fields from `derived`, also where the row has a column of that name", () => {
    const row = { id: "thg_2", statusReason: "x", gtin14: "1", regionName: "stored" };
    expect(apiObject(Thing, row, { region_name: "derived", status_reason: null })).toEqual({
      id: "thg_2",
      status_reason: null,
      gtin_14: "1",
      region_name: "derived",
    });
  });

  it("needs a column for every field that is not derived (a type error otherwise)", () => {
    // @ts-expect-error regionName is missing and region_name is not derived
    const partial = apiObject(Thing, { id: "thg_3", statusReason: null, gtin14: "1" });
    expect(partial.region_name).toBeUndefined();
    // @ts-expect-error statusReason must be a string or null, as status_reason is
    apiObject(Thing, { id: "thg_4", statusReason: 3, gtin14: "1", regionName: "x" });
  });
});

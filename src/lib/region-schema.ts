import { z } from "@hono/zod-openapi";
import { isRegionCode } from "./regions";

/** A GB/T 2260 administrative division code that exists in the bundled list. */
export const RegionCodeSchema = z
  .string()
  .regex(/^\d{6}$/, "a 6-digit GB/T 2260 code")
  .refine(isRegionCode, "not a GB/T 2260 region code")
  .openapi({ example: "330900" });

/** A list filter by region: any six digits; a code not in GB/T 2260 simply matches nothing. */
export const regionFilter = (description: string) =>
  z
    .string()
    .regex(/^\d{6}$/)
    .optional()
    .openapi({ description });

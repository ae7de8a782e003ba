import { z } from "@hono/zod-openapi";
import { isDayInRange } from "../instant";

/** A calendar day, YYYY-MM-DD, between 2000 and 2100. */
export const DateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "a date YYYY-MM-DD")
  .refine((text) => {
    const date = new Date(`${text}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
  }, "not a calendar date")
  .refine(isDayInRange, "a date between 2000 and 2100")
  .openapi({ example: "2026-01-01" });

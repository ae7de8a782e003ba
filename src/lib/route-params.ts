import { z } from "@hono/zod-openapi";

/** The `{id}` path parameter of every object route. */
export const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "bat_3kq9x0m2b7d1c5fz" }),
});

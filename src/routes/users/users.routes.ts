import { z } from "@hono/zod-openapi";
import { roles } from "../../db/schema";
import { jsonBody, jsonContent } from "../../lib/openapi";
import { ListQuerySchema } from "../../lib/pagination";
import { RegionCodeSchema } from "../../lib/region-schema";
import { jsonPage, operationsOf } from "../../lib/route-specs";
import { EmailSchema, NewPasswordSchema, UserSchema } from "../../lib/schemas/user";

const users = operationsOf("users");

const staffRoles = roles.filter((role) => role !== "consumer") as [
  "admin",
  "producer",
  "regulator",
];

export const CreateUserSchema = z
  .object({
    email: EmailSchema,
    password: NewPasswordSchema,
    role: z.enum(staffRoles).openapi({ description: "Consumers are created by WeChat login only" }),
    display_name: z.string().trim().min(1).max(100),
    organization_id: z
      .string()
      .max(64)
      .optional()
      .openapi({ description: "Required for producers" }),
    region_codes: z
      .array(RegionCodeSchema)
      .max(50)
      .optional()
      .openapi({ description: "Required for regulators: GB/T 2260 codes they cover" }),
  })
  .strict()
  .openapi("CreateUser");

export const UpdateUserSchema = z
  .object({
    display_name: z.string().trim().min(1).max(100).optional(),
    password: NewPasswordSchema.optional(),
    role: z.enum(staffRoles).optional(),
    organization_id: z.string().max(64).nullable().optional(),
    region_codes: z.array(RegionCodeSchema).max(50).optional(),
    disabled: z.boolean().optional().openapi({ description: "Disabling revokes all sessions" }),
  })
  .strict()
  .openapi("UpdateUser");

export const create = users.post("/v1/users", "createUser", {
  summary: "Create an account (admin)",
  access: ["admin"],
  request: { body: jsonBody(CreateUserSchema) },
  responses: { 201: jsonContent(UserSchema, "The new account") },
  errors: [409],
});

export const list = users.get("/v1/users", "listUsers", {
  summary: "List accounts (admin), newest first",
  access: ["admin"],
  request: {
    query: ListQuerySchema.extend({
      role: z.enum(roles).optional(),
      organization_id: z.string().max(64).optional(),
    }),
  },
  responses: { 200: jsonPage(UserSchema, "A page of accounts") },
});

export const get = users.get("/v1/users/{id}", "getUser", {
  summary: "Read an account (admin)",
  access: ["admin"],
  responses: { 200: jsonContent(UserSchema, "The account") },
});

export const update = users.patch("/v1/users/{id}", "updateUser", {
  summary: "Update or disable an account (admin)",
  access: ["admin"],
  request: { body: jsonBody(UpdateUserSchema) },
  responses: { 200: jsonContent(UserSchema, "The updated account") },
  errors: [422],
});

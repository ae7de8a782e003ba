import { z } from "@hono/zod-openapi";
import type { users } from "../../db/schema";
import { roles } from "../../db/schema";
import { PASSWORD_MIN_LENGTH } from "../password";
import { apiObject } from "./api-object";

export const UserSchema = z
  .object({
    id: z.string().openapi({ example: "usr_3kq9x0m2b7d1c5fz" }),
    email: z.string().nullable(),
    role: z.enum(roles),
    display_name: z.string(),
    organization_id: z.string().nullable(),
    region_codes: z.array(z.string()),
    disabled: z.boolean(),
    last_login_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("User");

export type UserDto = z.infer<typeof UserSchema>;

export function toUserDto(row: typeof users.$inferSelect): UserDto {
  return apiObject(UserSchema, row, { disabled: row.disabledAt !== null });
}

export const EmailSchema = z
  .email()
  .max(254)
  .transform((email) => email.trim().toLowerCase())
  .openapi({ example: "coop@demo.local" });

export const NewPasswordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(256)
  .openapi({ example: "a-long-passphrase" });

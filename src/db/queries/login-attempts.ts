// Sign-in attempts per (account, source), counted before the password is checked so that
// parallel guesses cannot slip past the count (see src/lib/login-throttle.ts).
import { eq, lt, sql } from "drizzle-orm";
import { getDb } from "../client";
import { loginAttempts } from "../schema";

/** Counts one attempt under `key` in the window open at `now`; answers the state after it. */
export async function countLoginAttempt(d1: D1Database, key: string, now: Date, cutoff: string) {
  const at = now.toISOString();
  const [row] = await getDb(d1)
    .insert(loginAttempts)
    .values({ key, count: 1, windowStart: at })
    .onConflictDoUpdate({
      target: loginAttempts.key,
      set: {
        count: sql`CASE WHEN ${loginAttempts.windowStart} <= ${cutoff} THEN 1 ELSE ${loginAttempts.count} + 1 END`,
        windowStart: sql`CASE WHEN ${loginAttempts.windowStart} <= ${cutoff} THEN ${at} ELSE ${loginAttempts.windowStart} END`,
      },
    })
    .returning();
  return { failedLoginCount: row?.count ?? 1, failedLoginWindowStart: row?.windowStart ?? at };
}

/** Forgets the attempts under `key` (after a success) and, in passing, windows long closed. */
export async function clearLoginAttempts(d1: D1Database, key: string, cutoff: string) {
  const db = getDb(d1);
  await db.batch([
    db.delete(loginAttempts).where(eq(loginAttempts.key, key)),
    db.delete(loginAttempts).where(lt(loginAttempts.windowStart, cutoff)),
  ]);
}

import type { Context } from "hono";

/** The request's waitUntil, or undefined where there is none (app.request() in tests). */
export function waitUntilOf(c: Context): ((promise: Promise<unknown>) => void) | undefined {
  try {
    const ctx = c.executionCtx as ExecutionContext;
    return (promise) => ctx.waitUntil(promise);
  } catch {
    return undefined;
  }
}

/** Runs work after the response when the platform allows it, else awaits it inline. */
export async function runInBackground(c: Context, work: Promise<unknown>): Promise<void> {
  const waitUntil = waitUntilOf(c);
  const guarded = work.catch((error) => console.error("background work failed", error));
  if (waitUntil) waitUntil(guarded);
  else await guarded;
}

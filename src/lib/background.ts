import type { Context } from "hono";

/** Runs work after the response when the platform allows it, else awaits it inline. */
export async function runInBackground(c: Context, work: Promise<unknown>): Promise<void> {
  let ctx: ExecutionContext | undefined;
  try {
    ctx = c.executionCtx as ExecutionContext;
  } catch {
    ctx = undefined; // app.request() in tests has no execution context
  }
  const guarded = work.catch((error) => console.error("background work failed", error));
  if (ctx) ctx.waitUntil(guarded);
  else await guarded;
}

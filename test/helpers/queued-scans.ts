// Scans in queue mode as the tests drive them: a queue that holds what the worker sends, the
// worker called with the test's bindings, batches delivered to its queue handler, and a D1 that
// dies mid-batch.
import {
  createExecutionContext,
  createMessageBatch,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { ScanJob } from "../../src/db/queries/scan-ingest";
import worker from "../../src/index";
import type { Bindings } from "../../src/types";
import { BASE } from "./http";
import type { ScanAnswer } from "./scans";

/** A queue that keeps what is sent, so that a test decides when the consumer runs. */
export function heldQueue(bindings: Partial<Bindings> = {}) {
  const held: ScanJob[] = [];
  const queue = {
    send: async (body: ScanJob) => {
      held.push(structuredClone(body));
    },
    sendBatch: async (messages: Iterable<{ body: ScanJob }>) => {
      for (const m of messages) held.push(structuredClone(m.body));
    },
  } as unknown as Queue<ScanJob>;
  return {
    held,
    env: { ...env, SCAN_INGEST: "queue", SCAN_QUEUE: queue, ...bindings } as Bindings,
  };
}

let ip = 0;
/** A fresh connecting address: the scan rate limit counts per address. */
export const nextIp = () => {
  ip += 1;
  return `10.77.${(ip >> 8) & 255}.${ip & 255}`;
};

export async function post(
  bindings: Bindings,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${BASE}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    }),
    bindings,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

/** A GET as a signed-in client, with `bindings` as the worker's env. */
export async function getWith(bindings: Bindings, path: string, token: string) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${BASE}${path}`, { headers: { Authorization: `Bearer ${token}` } }),
    bindings,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

export async function scan(bindings: Bindings, body: Record<string, unknown>, address = nextIp()) {
  const res = await post(bindings, "/v1/scans", body, { "CF-Connecting-IP": address });
  expect(res.status).toBe(200);
  return {
    answer: (await res.json()) as ScanAnswer,
    serverTiming: res.headers.get("Server-Timing"),
  };
}

export const roundTrips = (serverTiming: string | null) =>
  Number(/d1-round-trips;desc="(\d+)"/.exec(serverTiming ?? "")?.[1]);

/** Delivers `jobs` as one batch to the worker's queue handler, as Cloudflare Queues would. */
export async function deliver(jobs: ScanJob[], bindings: Partial<Bindings> = {}, attempts = 1) {
  const batch = createMessageBatch(
    "gi-trace-scans",
    jobs.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue?.(batch, { ...env, ...bindings } as Bindings);
  return getQueueResult(batch, ctx);
}

/**
 * A D1 binding whose isolate dies: the first `commits` write transactions land, then every call
 * fails (`afterCommit`: the last of them lands and then fails, as a consumer killed between
 * its write and its ack).
 */
export function dyingD1(
  commits: number,
  afterCommit = false,
  d1: D1Database = env.DB,
  /** Batches before the first write: the consumer's read of the registry; none elsewhere. */
  reads = 1,
): D1Database {
  let calls = 0;
  let writes = 0;
  const dying: D1Database = new Proxy(d1, {
    get(target, prop) {
      // A request opens a session on the binding: it dies the same way.
      if (prop === "withSession") return () => dying;
      if (prop === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          calls += 1;
          const isWrite = calls > reads;
          if (isWrite && writes >= commits) throw new Error("the consumer's isolate was killed");
          const results = await target.batch(statements);
          if (isWrite) writes += 1;
          if (isWrite && afterCommit && writes >= commits) {
            throw new Error("the consumer's isolate was killed");
          }
          return results;
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return dying;
}

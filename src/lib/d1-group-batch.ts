// Group commit for D1. Concurrent requests of one isolate that each want a small D1 batch share
// one round trip: a request that finds no round trip under way sends its own batch together
// with every batch queued so far as one d1.batch (one transaction, each caller's statements in
// order); requests that arrive while a round trip is under way queue for the next one. D1 runs
// one query at a time per database and, for the small statements of the scan path, the round
// trip rather than the SQL is the cost, so under load the database does a fraction of the round
// trips. An idle isolate sends a lone batch at once.
//
// Requests share nothing here but plain data. workerd cancels a request that waits on another
// request's promise once that request ends, or that has no I/O of its own left, and a prepared
// statement or a promise cannot cross requests safely. So:
// - statements travel as SQL text and parameters and are prepared by the request that sends
//   them;
// - a queued request polls with its own timer, and reads its outcome from a plain field that
//   the sending request writes; nobody awaits anybody else's promise;
// - the sending request hands its round trip to waitUntil, so a client that goes away cannot
//   cut short the round trip that others' outcomes depend on;
// - if a shared transaction fails, each batch in it is retried alone, so a failing statement
//   fails its own caller only.

/** A statement as plain data: prepared by whichever request sends the round trip. */
export type Statement = { sql: string; params: unknown[] };

export const statement = (sql: string, ...params: unknown[]): Statement => ({ sql, params });

/** Prepares `statements` on `d1` in the calling request, for a plain d1.batch. */
export const prepareAll = (d1: D1Database, statements: Statement[]) =>
  statements.map(({ sql, params }) => d1.prepare(sql).bind(...params));

type Outcome = { results: D1Result[] } | { error: unknown };

type Entry = { statements: Statement[]; outcome: Outcome | null };

/** `sending` since when a round trip is under way (null when none). */
type Queue = { waiting: Entry[]; sending: number | null };

/** Statements per round trip; keeps one invocation far below D1's per-invocation query limit. */
export const MAX_GROUP_STATEMENTS = 200;
/** How often a queued request looks whether its turn has come or its outcome is in. */
const POLL_MS = 2;
/** A round trip under way longer than this is presumed lost with its isolate's request. */
const LOST_AFTER_MS = 30_000;

const queues = new WeakMap<D1Database, Queue>();

/**
 * A request's own D1 session over a shared binding (src/db/request-d1.ts): requests queue per
 * binding, and a request whose batch rode on another's round trip is told so for its counts.
 */
type SessionD1 = D1Database & {
  binding?: D1Database;
  sharedRoundTrip?: (results: D1Result[]) => void;
};

function queueOf(d1: SessionD1): Queue {
  const key = d1.binding ?? d1;
  let queue = queues.get(key);
  if (!queue) {
    queue = { waiting: [], sending: null };
    queues.set(key, queue);
  }
  return queue;
}

/** Takes `own` plus the oldest queued batches while the group stays within the statement cap. */
function takeGroup(queue: Queue, own: Entry): Entry[] {
  const group = [own];
  let size = own.statements.length;
  queue.waiting = queue.waiting.filter((entry) => {
    if (entry === own) return false;
    if (size + entry.statements.length > MAX_GROUP_STATEMENTS) return true;
    group.push(entry);
    size += entry.statements.length;
    return false;
  });
  return group;
}

async function sendGroup(d1: D1Database, group: Entry[]) {
  if (group.length > 1) {
    try {
      const results = await d1.batch(
        prepareAll(
          d1,
          group.flatMap((entry) => entry.statements),
        ),
      );
      let offset = 0;
      for (const entry of group) {
        entry.outcome = { results: results.slice(offset, offset + entry.statements.length) };
        offset += entry.statements.length;
      }
      return;
    } catch {
      // The shared transaction rolled back as a whole: each batch gets its own below.
    }
  }
  for (const entry of group) {
    try {
      entry.outcome = { results: await d1.batch(prepareAll(d1, entry.statements)) };
    } catch (error) {
      entry.outcome = { error };
    }
  }
}

const pause = () => new Promise<void>((resolve) => setTimeout(resolve, POLL_MS));

/**
 * Runs `statements` as one transaction, like `d1.batch`, sharing the round trip with batches
 * that concurrent requests of this isolate submit at the same time. `waitUntil` (the request's
 * ExecutionContext) keeps a round trip this request sends alive if its client goes away.
 */
export async function groupBatch(
  d1: D1Database,
  statements: Statement[],
  waitUntil?: (promise: Promise<unknown>) => void,
): Promise<D1Result[]> {
  if (statements.length === 0) return [];
  const queue = queueOf(d1);
  const entry: Entry = { statements, outcome: null };
  queue.waiting.push(entry);
  let sent = false;
  while (entry.outcome === null) {
    if (queue.sending !== null && Date.now() - queue.sending < LOST_AFTER_MS) {
      await pause();
      continue;
    }
    if (!queue.waiting.includes(entry)) {
      // Taken into a round trip that never reported back: its outcome is unknown.
      throw new Error("A shared D1 round trip was lost; the outcome of this batch is unknown.");
    }
    queue.sending = Date.now();
    sent = true;
    const flight = sendGroup(d1, takeGroup(queue, entry)).finally(() => {
      queue.sending = null;
    });
    waitUntil?.(flight);
    await flight;
  }
  if ("error" in entry.outcome) throw entry.outcome.error;
  if (!sent) (d1 as SessionD1).sharedRoundTrip?.(entry.outcome.results);
  return entry.outcome.results;
}

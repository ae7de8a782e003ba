// `npm run bench:export`: the heap a labels CSV export costs the Worker. Serves the built worker
// under Miniflare (bench/local-server.ts) with workerd's V8 inspector open, issues
// EXPORT_LABELS labels (default 300,000) into one batch through the API, then downloads
// GET /v1/batches/{id}/labels?format=csv while sampling the isolate's heap every 20 ms over
// the inspector (Runtime.getHeapUsage; every 25th sample after a forced GC, which counts only
// what is still reachable) and workerd's resident memory (/proc). Prints the baseline (after a
// forced GC), the peaks and the growth, and checks the row count.
// Not part of `npm test`; everything it starts is stopped at the end.
import { readdirSync, readFileSync } from "node:fs";
import { startLocalServer } from "./local-server.ts";

const LABELS = Number(process.env.EXPORT_LABELS ?? 300_000);
const INSPECTOR_PORT = Number(process.env.EXPORT_INSPECTOR_PORT ?? 9239);
const SAMPLE_MS = 20;
/** Every this many samples a forced GC first: the heap then holds only what is still reachable. */
const LIVE_EVERY = 25;
const MB = 1024 * 1024;

/** A Chrome DevTools Protocol session with the gi-trace worker's isolate. */
async function inspect(port: number) {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
    id: string;
    title?: string;
    webSocketDebuggerUrl?: string;
  }[];
  const target = targets.find((t) => /gi-trace/.test(`${t.id} ${t.title ?? ""}`)) ?? targets[0];
  const url = target?.webSocketDebuggerUrl ?? `ws://127.0.0.1:${port}/${target?.id ?? ""}`;
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve, { once: true });
    socket.addEventListener("error", reject, { once: true });
  });
  let next = 0;
  const pending = new Map<number, (result: unknown) => void>();
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  });
  const send = <T>(method: string) =>
    new Promise<T>((resolve) => {
      next += 1;
      pending.set(next, resolve as (result: unknown) => void);
      socket.send(JSON.stringify({ id: next, method }));
    });
  return {
    heapUsed: async () => (await send<{ usedSize: number }>("Runtime.getHeapUsage")).usedSize,
    collectGarbage: () => send("HeapProfiler.collectGarbage"),
    close: () => socket.close(),
  };
}

/** Resident memory of the workerd processes below this one, in bytes. */
function workerdRss(): number {
  const children = (pid: number): number[] =>
    readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, "utf8")
        .split(" ")
        .filter(Boolean)
        .map(Number),
    );
  const all: number[] = [];
  const walk = (pid: number) => {
    for (const child of children(pid)) {
      all.push(child);
      walk(child);
    }
  };
  walk(process.pid);
  let total = 0;
  for (const pid of all) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("workerd")) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
      total += Number(rss ?? 0) * 1024;
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

const server = await startLocalServer({
  name: "bench-export",
  rateLimiter: false,
  inspectorPort: INSPECTOR_PORT,
});
const inspector = await inspect(INSPECTOR_PORT);
try {
  const batch = await server.releasedBatch();
  const started = Date.now();
  for (let issued = 0; issued < LABELS; issued += 10_000) {
    await server.issueLabels(batch, Math.min(10_000, LABELS - issued));
  }
  console.log(
    `bench-export: issued ${LABELS} labels in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );

  // A small export first, so that the code paths are compiled before the baseline.
  await (
    await server.api(`/v1/batches/${batch}/labels?format=csv`, { token: server.producer })
  ).body?.cancel();
  await inspector.collectGarbage();
  const baseHeap = await inspector.heapUsed();
  const baseRss = workerdRss();
  let peakHeap = baseHeap;
  let peakLive = baseHeap;
  let peakRss = baseRss;
  let sampling = true;
  const sampler = (async () => {
    for (let n = 1; sampling; n++) {
      peakHeap = Math.max(peakHeap, await inspector.heapUsed());
      peakRss = Math.max(peakRss, workerdRss());
      if (n % LIVE_EVERY === 0) {
        await inspector.collectGarbage();
        peakLive = Math.max(peakLive, await inspector.heapUsed());
      }
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
    }
  })();

  const t0 = Date.now();
  const response = await server.api(`/v1/batches/${batch}/labels?format=csv`, {
    token: server.producer,
  });
  if (response.status !== 200 || !response.body) throw new Error(`export: ${response.status}`);
  let bytes = 0;
  let lines = 0;
  for await (const part of response.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += part.length;
    for (const byte of part) if (byte === 0x0a) lines += 1;
  }
  const seconds = (Date.now() - t0) / 1000;
  sampling = false;
  await sampler;

  const rows = lines - 1;
  console.log(
    `bench-export: ${rows} rows, ${(bytes / MB).toFixed(1)} MB of CSV in ${seconds.toFixed(1)} s`,
  );
  console.log(
    `bench-export: isolate heap ${(baseHeap / MB).toFixed(1)} MB before, peak ${(peakHeap / MB).toFixed(1)} MB: growth ${((peakHeap - baseHeap) / MB).toFixed(1)} MB`,
  );
  console.log(
    `bench-export: live heap (after a forced GC every ${LIVE_EVERY * SAMPLE_MS} ms) peak ${(peakLive / MB).toFixed(1)} MB: growth ${((peakLive - baseHeap) / MB).toFixed(1)} MB`,
  );
  console.log(
    `bench-export: workerd RSS ${(baseRss / MB).toFixed(0)} MB before, peak ${(peakRss / MB).toFixed(0)} MB: growth ${((peakRss - baseRss) / MB).toFixed(0)} MB`,
  );
  if (rows !== LABELS) throw new Error(`expected ${LABELS} rows, got ${rows}`);
} finally {
  inspector.close();
  await server.dispose();
}

// `npm run bench:pdf`: only the label PDF of `npm run bench` (same local server, same
// 1,000 labels, one untimed warm-up and three timed calls on the default template), with the
// size of the PDF; for comparing printing changes without the 2-3 minutes of the full bench.
import { startLocalServer } from "./local-server.ts";

const RUNS = 3;
const server = await startLocalServer({ name: "bench-pdf", loginAccounts: 1 });
try {
  const batch = await server.releasedBatch();
  await server.issueLabels(batch, 1000);
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i <= RUNS; i++) {
    const t0 = performance.now();
    const res = await server.api(`/v1/batches/${batch}/labels.pdf`, { token: server.producer });
    bytes = (await res.arrayBuffer()).byteLength;
    if (res.status !== 200) throw new Error(`pdf: ${res.status}`);
    if (i > 0) ms.push(performance.now() - t0);
  }
  const median = [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)] as number;
  console.log(
    `PDF of 1,000 labels: ${ms.map((m) => m.toFixed(0)).join(", ")} ms (median ${median.toFixed(0)} ms), ${(bytes / 1024).toFixed(0)} KiB`,
  );
} finally {
  await server.dispose();
}

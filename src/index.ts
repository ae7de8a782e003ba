import { env } from "cloudflare:workers";
import { createApp } from "./app";
import type { NoticeJob } from "./db/queries/recall-notices";
import { cachedConfigProblems, configProblemsMessage } from "./lib/runtime-config";
import { reportConfigProblems } from "./middleware/config-check";
import { handleNoticeBatch } from "./queues/notices";
import { handleScanBatch, SCAN_QUEUE_NAME } from "./queues/scans";
import { handleScheduled } from "./scheduled/retention";
import type { Bindings } from "./types";

// Bindings, secrets included, are readable at startup (importable env). Throwing here makes a
// production version with a bad configuration fail to start, so `wrangler deploy` (and
// `wrangler secret put`, which deploys a new version) fails with this message; the 503
// middleware in createApp and the check in `scheduled` are the fallback should startup not
// see the bindings. Outside production configProblems is empty (tests, wrangler dev).
const startupProblems = cachedConfigProblems(env ?? {});
if (startupProblems.length > 0) throw new Error(configProblemsMessage(startupProblems));

const app = createApp();

export default {
  fetch: app.fetch,
  scheduled: async (controller, bindings, ctx) => {
    const problems = cachedConfigProblems(bindings);
    if (problems.length > 0) throw new Error(reportConfigProblems(problems));
    return handleScheduled(controller, bindings, ctx);
  },
  queue: async (batch, bindings) => {
    const problems = cachedConfigProblems(bindings);
    if (problems.length > 0) throw new Error(reportConfigProblems(problems));
    if (batch.queue.startsWith(SCAN_QUEUE_NAME)) return handleScanBatch(batch, bindings);
    return handleNoticeBatch(batch as MessageBatch<NoticeJob>, bindings);
  },
} satisfies ExportedHandler<Bindings>;

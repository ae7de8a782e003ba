import { createApp } from "./app";
import { handleScheduled } from "./scheduled/retention";

const app = createApp();

export default {
  fetch: app.fetch,
  scheduled: handleScheduled,
} satisfies ExportedHandler<import("./types").Bindings>;

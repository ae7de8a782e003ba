import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { RequestD1 } from "../../src/db/request-d1";
import { createUser } from "../helpers/fixtures";
import { call, callJson } from "../helpers/http";
import { forge, releasedLabels, scan } from "../helpers/scans";

const BOOKMARK = /^[0-9a-f]{8}(-[0-9a-f]+)+$/;

/** The D1 round trips and rows read of an answer's Server-Timing header. */
function d1Timing(response: { headers: Headers }) {
  const header = response.headers.get("Server-Timing") ?? "";
  const value = (name: string) => Number(new RegExp(`${name};desc="(\\d+)"`).exec(header)?.[1]);
  return { roundTrips: value("d1-round-trips"), rowsRead: value("d1-rows-read") };
}

describe("D1 sessions", () => {
  it("answers the session's bookmark on reads and writes", async () => {
    const read = await call("/v1/gi-products");
    expect(read.headers.get("X-D1-Bookmark")).toMatch(BOOKMARK);
    const admin = await createUser("admin");
    const write = await call("/v1/risk-settings", {
      method: "PUT",
      token: admin.token,
      body: { many_clients: { max_clients: 5 } },
    });
    expect(write.status).toBe(200);
    expect(write.headers.get("X-D1-Bookmark")).toMatch(BOOKMARK);
  });

  it("continues from the bookmark sent back: the next read is at least as new as the write", async () => {
    const admin = await createUser("admin");
    const write = await call("/v1/risk-settings", {
      method: "PUT",
      token: admin.token,
      body: { many_clients: { max_clients: 6 } },
    });
    const written = write.headers.get("X-D1-Bookmark") as string;
    const read = await callJson<{ many_clients: { max_clients: number } }>("/v1/risk-settings", {
      token: admin.token,
      headers: { "X-D1-Bookmark": written },
    });
    expect(read.body.many_clients.max_clients).toBe(6);
    expect((read.headers.get("X-D1-Bookmark") as string) >= written).toBe(true);
  });

  it("opens a request's session at its first statement, and none for a request without one", async () => {
    let opened = 0;
    const binding = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "withSession") {
          return (start: string) => {
            opened += 1;
            return target.withSession(start);
          };
        }
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const usage = { roundTrips: 0, rowsRead: 0 };
    const d1 = new RequestD1(binding, { start: "first-unconstrained", usage, delayMs: 0 });
    expect(d1.bookmark()).toBeNull();
    expect(opened).toBe(0);
    await d1.prepare("SELECT 1").first();
    await d1.prepare("SELECT 2").first();
    expect(opened).toBe(1);
    expect(usage.roundTrips).toBe(2);
  });

  it("ignores a malformed bookmark", async () => {
    for (const value of ["not-a-bookmark", "first-primary", "x".repeat(500)]) {
      const response = await call("/v1/gi-products", { headers: { "X-D1-Bookmark": value } });
      expect(response.status).toBe(200);
    }
  });

  it("lets the console send the bookmark and read it from another origin", async () => {
    const preflight = await call("/v1/batches", {
      method: "OPTIONS",
      headers: {
        Origin: "http://localhost:8787",
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization, x-d1-bookmark",
      },
    });
    expect(preflight.headers.get("Access-Control-Allow-Headers")?.toLowerCase()).toContain(
      "x-d1-bookmark",
    );
    const read = await call("/v1/gi-products", { headers: { Origin: "https://example.org" } });
    expect(read.headers.get("Access-Control-Expose-Headers")?.toLowerCase()).toContain(
      "x-d1-bookmark",
    );
  });
});

describe("Server-Timing of D1", () => {
  it("counts no round trip where D1 is not touched", async () => {
    expect(d1Timing(await call("/healthz"))).toEqual({ roundTrips: 0, rowsRead: 0 });
  });

  it("counts the round trips and rows read of a request", async () => {
    const ready = d1Timing(await call("/readyz"));
    expect(ready.roundTrips).toBe(1);
    const list = d1Timing(await call("/v1/gi-products"));
    expect(list.roundTrips).toBeGreaterThanOrEqual(1);
  });

  it("shows the round trips of a genuine and of a forged scan", async () => {
    const { codes } = await releasedLabels(1);
    const code = codes[0] as string;
    await scan({ code, client_id: "timing-warm-0001" }); // risk settings are cached after this
    const genuine = await call("/v1/scans", { body: { code, client_id: "timing-0001" } });
    expect(genuine.status).toBe(200);
    // One read of the label's context, one write of the scan and its counters.
    expect(d1Timing(genuine).roundTrips).toBe(2);
    expect(d1Timing(genuine).rowsRead).toBeGreaterThan(0);
    const forged = await call("/v1/scans", { body: { code: forge(code, 1) } });
    // One read of recent invalid scans (the burst rule), one write.
    expect(d1Timing(forged).roundTrips).toBe(2);
  });
});

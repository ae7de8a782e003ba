// Idempotency-Key faults: keys of anonymous callers are scoped by source; the fingerprint covers
// the content type and answers given before anything ran are not stored; an abandoned claim
// expires after its lease without ever issuing twice; a retried scan is the same scan.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Base64Url } from "../../src/lib/keyed-hash";
import { LEASE_MS } from "../../src/middleware/idempotency";
import { createBatch, createProducerSetup } from "../helpers/fixtures";
import { call, callJson, expectProblem } from "../helpers/http";
import { releasedLabels } from "../helpers/scans";

const report = { description: "包装印刷模糊，价格明显偏低" };

describe("Idempotency-Key", () => {
  it("keeps two anonymous callers' equal keys apart", async () => {
    const key = `shared-${crypto.randomUUID()}`;
    const first = await callJson<{ id: string }>("/v1/reports", {
      body: report,
      headers: { "Idempotency-Key": key, "CF-Connecting-IP": "198.51.100.1" },
    });
    const second = await callJson<{ id: string }>("/v1/reports", {
      body: report,
      headers: { "Idempotency-Key": key, "CF-Connecting-IP": "198.51.100.2" },
    });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.headers.get("Idempotent-Replayed")).toBeNull();
    expect(second.body.id).not.toBe(first.body.id);
  });

  it("does not replay a 415 for the same body sent as JSON, nor a JSON answer for text", async () => {
    const key = `ctype-${crypto.randomUUID()}`;
    const body = JSON.stringify(report);
    const asText = await call("/v1/reports", {
      body,
      headers: { "Idempotency-Key": key, "Content-Type": "text/plain" },
    });
    expect(asText.status).toBe(415);
    const asJson = await call("/v1/reports", {
      body,
      headers: { "Idempotency-Key": key, "Content-Type": "application/json" },
    });
    expect(asJson.status).toBe(201);
    expect(asJson.headers.get("Idempotent-Replayed")).toBeNull();
    const textAgain = await call("/v1/reports", {
      body,
      headers: { "Idempotency-Key": key, "Content-Type": "text/plain" },
    });
    await expectProblem(textAgain, 409, "conflict");
  });

  it("lets a retry run once an abandoned claim's lease is over, and never issues twice", async () => {
    const setup = await createProducerSetup();
    const batch = await createBatch(setup, {}, true);
    const path = `/v1/batches/${batch}/labels`;
    const body = JSON.stringify({ count: 2 });
    const scope = `${setup.producer.id}:labels.issue:${path}`;
    const requestHash = await sha256Base64Url(`application/json\n${body}`);
    const claim = (key: string, leaseEndsIn: number, committed: boolean) =>
      env.DB.prepare(
        "INSERT INTO idempotency_keys (scope, key, request_hash, lease_token, lease_expires_at, committed_at, expires_at) VALUES (?, ?, ?, 'dead-request', ?, ?, ?)",
      )
        .bind(
          scope,
          key,
          requestHash,
          new Date(Date.now() + leaseEndsIn).toISOString(),
          committed ? new Date().toISOString() : null,
          new Date(Date.now() + 86_400_000).toISOString(),
        )
        .run();
    const issue = (key: string) =>
      call(path, {
        token: setup.producer.token,
        body,
        headers: { "Idempotency-Key": key, "Content-Type": "application/json" },
      });

    // Died before committing, lease still running: the retry waits.
    await claim("running", LEASE_MS - 5000, false);
    const waiting = await issue("running");
    expect(waiting.headers.get("Retry-After")).toBeTruthy();
    await expectProblem(waiting, 409, "conflict");

    // Died before committing, lease over: the retry runs, and its answer is replayed after.
    await claim("abandoned", -1000, false);
    const retried = await callJson<{ issued: number }>(path, {
      token: setup.producer.token,
      body,
      headers: { "Idempotency-Key": "abandoned", "Content-Type": "application/json" },
    });
    expect(retried.status).toBe(201);
    expect(retried.body.issued).toBe(2);
    const replayed = await issue("abandoned");
    expect(replayed.headers.get("Idempotent-Replayed")).toBe("true");

    // Died after committing, answer lost: never run again.
    await claim("committed", -1000, true);
    await expectProblem(await issue("committed"), 409, "conflict");

    const labels = await env.DB.prepare("SELECT count(*) AS n FROM labels WHERE batch_id = ?")
      .bind(batch)
      .first<{ n: number }>();
    expect(labels?.n).toBe(2);
  });

  it("makes a retried scan the same scan", async () => {
    const { codes } = await releasedLabels(1);
    const code = codes[0] as string;
    const key = `scan-${crypto.randomUUID()}`;
    const send = () =>
      callJson<{ verdict: string; scan_count: number }>("/v1/scans", {
        body: { code, client_id: "retrying-phone-1" },
        headers: { "Idempotency-Key": key, "CF-Connecting-IP": "203.0.113.200" },
      });
    const first = await send();
    const retry = await send();
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    const stored = await env.DB.prepare(
      "SELECT count(*) AS n, (SELECT scan_count FROM labels WHERE code = ?1) AS counted FROM scans WHERE label_code = ?1",
    )
      .bind(code)
      .first<{ n: number; counted: number }>();
    expect(stored).toEqual({ n: 1, counted: 1 });
  });
});

describe("timestamps", () => {
  it("refuses instants outside 2000 to 2100 with 400", async () => {
    const setup = await createProducerSetup();
    for (const produced_at of [
      "9999-12-31T23:59:59-14:00",
      "1999-12-31T23:59:59Z",
      "2101-01-01T00:00:00Z",
    ]) {
      const response = await call("/v1/batches", {
        token: setup.producer.token,
        body: {
          authorization_id: setup.authorization.id,
          site_id: setup.site.id,
          lot_code: `TS-${crypto.randomUUID().slice(0, 8)}`,
          quantity: 1,
          unit: "kg",
          produced_at,
        },
      });
      await expectProblem(response, 400, "validation_failed");
    }
    const batch = await createBatch(setup);
    await expectProblem(
      await call(`/v1/batches/${batch}/events`, {
        token: setup.producer.token,
        body: { type: "catch", occurred_at: "0001-01-01T00:00:00Z" },
      }),
      400,
      "validation_failed",
    );
    await expectProblem(
      await call("/v1/scans?since=1970-01-01T00:00:00Z", { token: setup.producer.token }),
      400,
      "validation_failed",
    );
  });
});

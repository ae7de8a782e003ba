import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import type { Bindings } from "../../src/types";
import {
  createBatch,
  createProducerSetup,
  createUser,
  issue,
  TEST_PASSWORD,
} from "../helpers/fixtures";
import { call, callJson } from "../helpers/http";

// Everything the worker writes to its log while serving the flows that carry secrets: tokens,
// passwords, client ids and the environment's own secrets must never be in it.
const methods = ["log", "info", "warn", "error", "debug"] as const;
let lines: string[] = [];

const stringify = (value: unknown) => {
  if (value instanceof Error) return `${value.message}\n${value.stack ?? ""}`;
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
};

beforeEach(() => {
  lines = [];
  for (const method of methods) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(stringify).join(" "));
    });
  }
});
afterEach(() => vi.restoreAllMocks());

function secretValues(): string[] {
  const values = [env.CLIENT_ID_PEPPER, env.LABEL_HMAC_KEYS, env.TOKEN_SIGNING_KEYS];
  if (env.WECHAT_APP_SECRET) values.push(env.WECHAT_APP_SECRET);
  for (const secret of Object.values(JSON.parse(env.LABEL_HMAC_KEYS) as Record<string, string>)) {
    values.push(secret);
  }
  for (const jwk of JSON.parse(env.TOKEN_SIGNING_KEYS) as { d: string }[]) values.push(jwk.d);
  return values;
}

describe("tokens and secrets are never logged", () => {
  it("not by sign-in, refresh, authenticated calls, scans, WeChat sign-in or the nightly job", async () => {
    const setup = await createProducerSetup();
    const admin = await createUser("admin");
    const batchId = await createBatch(setup, {}, true);
    const [label] = await issue(setup, batchId, 1);
    const clientId = `client-${crypto.randomUUID()}`;

    const failed = await call("/v1/auth/login", {
      body: { email: admin.email, password: "wrong-password-123" },
    });
    expect(failed.status).toBe(401);
    const refreshed = await callJson<{ access_token: string; refresh_token: string }>(
      "/v1/auth/refresh",
      { body: { refresh_token: admin.refreshToken } },
    );
    expect(refreshed.status).toBe(200);
    const reuse = await call("/v1/auth/refresh", { body: { refresh_token: admin.refreshToken } });
    expect(reuse.status).toBe(401);
    expect((await call("/v1/users", { token: refreshed.body.access_token })).status).toBe(200);
    expect((await call("/v1/users", { token: `${admin.token}x` })).status).toBe(401);
    const scan = await call("/v1/scans", {
      body: { code: label?.code, client_id: clientId },
      headers: { "CF-Connecting-IP": "203.0.113.77" },
    });
    expect(scan.status).toBe(200);
    const wechatCode = `wx-${crypto.randomUUID()}`;
    expect((await call("/v1/auth/wechat", { body: { code: wechatCode } })).status).toBe(200);
    expect((await call("/v1/auth/wechat", { body: { code: "mock-err--1" } })).status).toBe(503);
    await worker.scheduled(
      createScheduledController(),
      env as unknown as Bindings,
      createExecutionContext(),
    );
    // The spy works: the nightly job reports its figures.
    expect(lines.some((line) => line.includes("scan_retention"))).toBe(true);

    const forbidden = [
      admin.token,
      admin.refreshToken,
      refreshed.body.access_token,
      refreshed.body.refresh_token,
      TEST_PASSWORD,
      "wrong-password-123",
      clientId,
      "203.0.113.77",
      wechatCode,
      ...secretValues(),
    ];
    const log = lines.join("\n");
    for (const value of forbidden) {
      expect(value.length).toBeGreaterThan(8);
      expect(log.includes(value), `log contains ${value.slice(0, 6)}…`).toBe(false);
    }
  });
});

// Deeply nested JSON answers 400, never a 500 from a stack overflow.
import { describe, expect, it } from "vitest";
import { jsonTextDepth } from "../../src/lib/json-nesting";
import { jsonDepth } from "../../src/lib/trace-events";
import { createBatch, createProducerSetup } from "../helpers/fixtures";
import { call, expectProblem } from "../helpers/http";

const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;

describe("deeply nested JSON", () => {
  it("answers 400 for a trace event whose data is nested 5,000 levels deep", async () => {
    const setup = await createProducerSetup();
    const batch = await createBatch(setup);
    const response = await call(`/v1/batches/${batch}/events`, {
      token: setup.producer.token,
      body: `{"type":"catch","occurred_at":"2026-11-20T04:30:00Z","data":${nested(5000)}}`,
      headers: { "Content-Type": "application/json" },
    });
    await expectProblem(response, 400, "validation_failed");
  });

  it("answers 400 for data nested past the trace event limit", async () => {
    const setup = await createProducerSetup();
    const batch = await createBatch(setup);
    const response = await call(`/v1/batches/${batch}/events`, {
      token: setup.producer.token,
      body: { type: "catch", occurred_at: "2026-11-20T04:30:00Z", data: JSON.parse(nested(6)) },
    });
    const problem = await expectProblem(response, 400, "validation_failed");
    expect(JSON.stringify(problem.errors)).toContain("nested at most 4 levels");
  });

  it("answers 400 on a public route too", async () => {
    const response = await call("/v1/scans", {
      body: `{"code":"X","client_id":${"[".repeat(100_000)}`,
      headers: { "Content-Type": "application/json" },
    });
    await expectProblem(response, 400, "validation_failed");
  });
});

describe("depth counting", () => {
  it("counts without recursion and ignores brackets inside strings", () => {
    expect(jsonDepth(JSON.parse(nested(100_000)))).toBe(100_000);
    expect(jsonDepth({ a: [1, { b: 2 }] })).toBe(3);
    expect(jsonDepth(7)).toBe(0);
    expect(jsonTextDepth(nested(3))).toBe(3);
    expect(jsonTextDepth('{"a":"{[{[\\"{"}')).toBe(1);
    expect(jsonTextDepth(nested(1000), 10)).toBe(11);
  });
});

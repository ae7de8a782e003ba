import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { groupBatch, MAX_GROUP_STATEMENTS, statement } from "../../src/lib/d1-group-batch";

// A D1 binding that counts round trips. Each test makes its own, so each has its own queue.
function countingD1() {
  const calls: number[] = [];
  const d1 = new Proxy(env.DB, {
    get(target, property) {
      if (property === "batch") {
        return (statements: D1PreparedStatement[]) => {
          calls.push(statements.length);
          return target.batch(statements);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { d1, calls };
}

const table = async () => {
  const name = `t_${crypto.randomUUID().replaceAll("-", "")}`;
  await env.DB.exec(`CREATE TABLE ${name} (k TEXT PRIMARY KEY, n INTEGER NOT NULL)`);
  return name;
};

describe("groupBatch", () => {
  it("sends a lone batch at once, in one round trip", async () => {
    const { d1, calls } = countingD1();
    const [result] = await groupBatch(d1, [statement("SELECT ?1 + 1 AS n", 41)]);
    expect(result?.results).toEqual([{ n: 42 }]);
    expect(calls).toEqual([1]);
  });

  it("shares round trips between concurrent callers and gives each its own results", async () => {
    const name = await table();
    const { d1, calls } = countingD1();
    const callers = Array.from({ length: 20 }, (_, i) =>
      groupBatch(d1, [
        statement(`INSERT INTO ${name} (k, n) VALUES (?1, ?2)`, `k${i}`, i),
        statement(`SELECT n * 10 AS n FROM ${name} WHERE k = ?1`, `k${i}`),
      ]),
    );
    const results = await Promise.all(callers);
    results.forEach((result, i) => {
      expect(result).toHaveLength(2);
      expect(result[1]?.results).toEqual([{ n: i * 10 }]);
    });
    // The first caller goes alone; the 19 that queued meanwhile share the next round trip.
    expect(calls.length).toBeLessThan(20);
    expect(calls.reduce((a, b) => a + b, 0)).toBe(40);
    const { n } = (await env.DB.prepare(`SELECT count(*) AS n FROM ${name}`).first<{
      n: number;
    }>()) ?? { n: 0 };
    expect(n).toBe(20);
  });

  it("fails only the caller whose statement fails, and rolls back only its statements", async () => {
    const name = await table();
    await env.DB.prepare(`INSERT INTO ${name} (k, n) VALUES ('taken', 0)`).run();
    const { d1 } = countingD1();
    const outcomes = await Promise.allSettled([
      groupBatch(d1, [statement(`INSERT INTO ${name} (k, n) VALUES ('a', 1)`)]),
      groupBatch(d1, [statement(`INSERT INTO ${name} (k, n) VALUES ('b', 2)`)]),
      groupBatch(d1, [
        statement(`INSERT INTO ${name} (k, n) VALUES ('c', 3)`),
        statement(`INSERT INTO ${name} (k, n) VALUES ('taken', 4)`),
      ]),
      groupBatch(d1, [statement(`INSERT INTO ${name} (k, n) VALUES ('d', 5)`)]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "rejected",
      "fulfilled",
    ]);
    const rejected = outcomes[2] as PromiseRejectedResult;
    expect(String(rejected.reason)).toMatch(/UNIQUE/i);
    const rows = await env.DB.prepare(`SELECT k FROM ${name} ORDER BY k`).all<{ k: string }>();
    // 'c' was in the failing caller's transaction: rolled back with it.
    expect(rows.results.map((r) => r.k)).toEqual(["a", "b", "d", "taken"]);
  });

  it("keeps each round trip within the statement cap", async () => {
    const { d1, calls } = countingD1();
    const per = 30;
    const callers = Array.from({ length: 20 }, () =>
      groupBatch(
        d1,
        Array.from({ length: per }, (_, i) => statement("SELECT ?1 AS n", i)),
      ),
    );
    await Promise.all(callers);
    expect(Math.max(...calls)).toBeLessThanOrEqual(MAX_GROUP_STATEMENTS);
    expect(calls.reduce((a, b) => a + b, 0)).toBe(20 * per);
  });
});

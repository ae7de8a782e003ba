// Scan limits and the abuse rules key on what the caller cannot choose: the connecting address
// (CF-Connecting-IP, set by Cloudflare's edge) and the signed-in user, never the client_id of
// the body, which any caller can rotate at will.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createUser } from "../helpers/fixtures";
import { call, expectProblem } from "../helpers/http";
import { forge, places, releasedLabels, scan } from "../helpers/scans";

const from = (ip: string) => ({ "CF-Connecting-IP": ip });
const SCANS_PER_MINUTE = 300;

/**
 * The local rate limiter counts in windows aligned to the wall clock's minutes: a burst that
 * straddles a minute would be counted in two windows, so start it early in a minute.
 */
async function startOfFreshMinute() {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 40_000) await new Promise((resolve) => setTimeout(resolve, 60_100 - intoMinute));
}

describe("scan limits and probe counting by source", () => {
  it("raises a forgery-probe alert on one address that rotates its client id", async () => {
    const { codes } = await releasedLabels(1);
    const real = codes[0] as string;
    const answers = [];
    for (let i = 0; i < 130; i++) {
      const response = await call("/v1/scans", {
        body: { code: forge(real, i), client_id: `rotating-client-${i}` },
        headers: from("198.51.100.17"),
      });
      answers.push(response.status);
    }
    expect(answers.every((status) => status === 200)).toBe(true);
    const probes = await env.DB.prepare(
      "SELECT subject_type, count FROM alerts WHERE rule = 'forged_code' AND subject_type = 'client'",
    ).all<{ subject_type: string; count: number }>();
    expect(probes.results).toEqual([{ subject_type: "client", count: 130 - 19 }]);
  }, 60_000);

  it("does not let one address frame a genuine label with invented client ids", async () => {
    const { codes } = await releasedLabels(1);
    const code = codes[0] as string;
    for (let i = 0; i < 8; i++) {
      const answer = await scan(
        { code, client_id: `framing-client-${i}`, ...places.zhoushan },
        from("198.51.100.23"),
      );
      expect(answer.verdict).toBe("genuine");
    }
    const shopper = await scan({ code, client_id: "honest-shopper-1" }, from("203.0.113.5"));
    expect(shopper.verdict).toBe("genuine");
    const alerts = await env.DB.prepare("SELECT count(*) AS n FROM alerts WHERE subject_id = ?")
      .bind(code)
      .first<{ n: number }>();
    expect(alerts?.n).toBe(0);
  }, 60_000);

  it("still flags a code scanned from many addresses", async () => {
    const { codes } = await releasedLabels(1);
    const code = codes[0] as string;
    const verdicts = [];
    for (let i = 0; i < 5; i++)
      verdicts.push(
        (await scan({ code, ...places.zhoushan }, from(`203.0.113.${40 + i}`))).verdict,
      );
    expect(verdicts).toEqual(["genuine", "genuine", "genuine", "suspicious", "suspicious"]);
  }, 60_000);

  it("counts an IPv6 /64 as one source", async () => {
    const { codes } = await releasedLabels(1);
    const code = codes[0] as string;
    for (let i = 1; i <= 6; i++) {
      const answer = await scan({ code }, from(`2001:db8:ab:cd::${i.toString(16)}`));
      expect(answer.verdict).toBe("genuine");
    }
  }, 60_000);

  it(`refuses the scan after ${SCANS_PER_MINUTE} a minute from one address, whatever its client ids`, async () => {
    const { codes } = await releasedLabels(1);
    const code = codes[0] as string;
    await startOfFreshMinute();
    let limitedAt = -1;
    for (let i = 0; i < SCANS_PER_MINUTE + 5 && limitedAt < 0; i++) {
      const response = await call("/v1/scans", {
        body: { code, client_id: `greedy-client-${i}` },
        headers: from("198.51.100.99"),
      });
      if (response.status === 429) {
        limitedAt = i;
        expect(response.headers.get("Retry-After")).toBe("60");
        await expectProblem(response, 429, "rate_limited");
      } else expect(response.status).toBe(200);
    }
    expect(limitedAt).toBe(SCANS_PER_MINUTE);
    const other = await call("/v1/scans", { body: { code }, headers: from("198.51.100.100") });
    expect(other.status).toBe(200);
  }, 60_000);

  it("limits a signed-in consumer across addresses", async () => {
    const { codes } = await releasedLabels(1);
    const consumer = await createUser("consumer");
    await startOfFreshMinute();
    let limitedAt = -1;
    for (let i = 0; i < SCANS_PER_MINUTE + 5 && limitedAt < 0; i++) {
      const response = await call("/v1/scans", {
        body: { code: codes[0] },
        token: consumer.token,
        headers: from(`10.${i >> 8}.${i & 255}.7`),
      });
      if (response.status === 429) limitedAt = i;
      else expect(response.status).toBe(200);
    }
    expect(limitedAt).toBe(SCANS_PER_MINUTE);
  }, 60_000);
});

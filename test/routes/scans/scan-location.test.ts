import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { issueLocationToken } from "../../../src/lib/scan-location-token";
import { call, callJson, expectProblem } from "../../helpers/http";
import { places, releasedLabels, type ScanAnswer, scan } from "../../helpers/scans";

const locate = (id: string, body: Record<string, unknown>) =>
  call(`/v1/scans/${id}/location`, { body });

async function storedScan(id: string) {
  return env.DB.prepare(
    "SELECT lat, lng, location_source, region_code, verdict, reasons FROM scans WHERE id = ?",
  )
    .bind(id)
    .first<Record<string, unknown>>();
}

describe("POST /v1/scans/{id}/location", () => {
  it("adds the rounded device location to the same scan, after the verdict", async () => {
    const { codes } = await releasedLabels(1);
    const first = await scan({ code: codes[0], client_id: "device-aaaa-0001" });
    expect(first.verdict).toBe("genuine");
    expect(first.scan_id).toMatch(/^scn_/);
    expect(first.location_token).toBeTruthy();
    expect(await storedScan(first.scan_id as string)).toMatchObject({ location_source: "none" });

    const { status, body } = await callJson<ScanAnswer>(`/v1/scans/${first.scan_id}/location`, {
      body: { lat: 29.98765, lng: 122.20432, accuracy_m: 30, token: first.location_token },
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ verdict: "genuine", scan_id: first.scan_id, scan_count: 1 });
    const stored = await storedScan(first.scan_id as string);
    expect(stored).toMatchObject({ location_source: "gps", region_code: "330900" });
    // Rounded like every stored location (about 1 km), never the raw coordinates.
    expect(stored?.lat).not.toBe(29.98765);
    expect(Math.abs((stored?.lat as number) - 29.98765)).toBeLessThan(0.01);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM scans WHERE label_code = ?")
      .bind(codes[0])
      .first<{ n: number }>();
    expect(rows?.n).toBe(1);
    // The first-scan notice now has a place.
    expect(body.first_scan?.region_code).toBe("330900");
  });

  it("lets the location rules see it: a copy scanned far away within minutes is counterfeit", async () => {
    const { codes } = await releasedLabels(1);
    await scan({ code: codes[0], client_id: "device-bbbb-0001", ...places.zhoushan });
    const second = await scan({ code: codes[0], client_id: "device-bbbb-0002" });
    expect(second.verdict).toBe("genuine");
    const res = await locate(second.scan_id as string, {
      ...places.guangzhou,
      token: second.location_token,
    });
    const body = (await res.json()) as ScanAnswer;
    expect(res.status).toBe(200);
    expect(body.verdict).toBe("counterfeit");
    expect(body.reasons).toContain("impossible_travel");
    expect(await storedScan(second.scan_id as string)).toMatchObject({
      verdict: "counterfeit",
      region_code: "440100",
    });
    const alert = await env.DB.prepare(
      "SELECT count(*) AS n FROM alerts WHERE rule = 'impossible_travel' AND label_code = ?",
    )
      .bind(codes[0])
      .first<{ n: number }>();
    expect(alert?.n).toBe(1);
  });

  it("refuses another scan's token and a made-up one, and changes nothing", async () => {
    const { codes } = await releasedLabels(2);
    const mine = await scan({ code: codes[0], client_id: "device-cccc-0001" });
    const theirs = await scan({ code: codes[1], client_id: "device-cccc-0002" });
    for (const token of [theirs.location_token, "1764000000000.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"]) {
      const res = await locate(mine.scan_id as string, { ...places.hangzhou, token });
      await expectProblem(res, 403, "forbidden");
    }
    expect(await storedScan(mine.scan_id as string)).toMatchObject({
      location_source: "none",
      lat: null,
    });
  });

  it("refuses a location sent after the window and a second location", async () => {
    const { codes } = await releasedLabels(1);
    const first = await scan({ code: codes[0], client_id: "device-dddd-0001" });
    const id = first.scan_id as string;
    const longAgo = new Date(Date.now() - 11 * 60_000).toISOString();
    const late = await issueLocationToken(env.CLIENT_ID_PEPPER, id, longAgo);
    const problem = await expectProblem(
      await locate(id, { ...places.zhoushan, token: late.token }),
      409,
      "location_window_closed",
    );
    expect(problem.detail).toMatch(/within minutes/);
    expect(await storedScan(id)).toMatchObject({ location_source: "none" });

    const ok = await locate(id, { ...places.zhoushan, token: first.location_token });
    expect(ok.status).toBe(200);
    await expectProblem(
      await locate(id, { ...places.guangzhou, token: first.location_token }),
      409,
      "conflict",
    );
    expect(await storedScan(id)).toMatchObject({ region_code: "330900" });
  });

  it("refuses a location too imprecise to place the scan, and bad bodies", async () => {
    const { codes } = await releasedLabels(1);
    const first = await scan({ code: codes[0], client_id: "device-eeee-0001" });
    const id = first.scan_id as string;
    const token = first.location_token;
    await expectProblem(
      await locate(id, { ...places.zhoushan, accuracy_m: 20_000, token }),
      422,
      "unprocessable",
    );
    for (const body of [
      { lat: 95, lng: 120, token },
      { lat: 30, token },
      { lat: 30, lng: 120 },
      { lat: 30, lng: 120, token, client_id: "x".repeat(10) },
    ]) {
      await expectProblem(await locate(id, body), 400, "validation_failed");
    }
    expect(await storedScan(id)).toMatchObject({ location_source: "none" });
  });

  it("answers 404 for a scan that does not exist, even with a token signed for its id", async () => {
    const token = await issueLocationToken(
      env.CLIENT_ID_PEPPER,
      "scn_missing",
      new Date().toISOString(),
    );
    await expectProblem(
      await locate("scn_missing", { ...places.zhoushan, token: token.token }),
      404,
      "not_found",
    );
  });

  it("gives no scan id or token for an unknown code", async () => {
    const answer = await scan({ code: "1ABCDEFGH0JKMNPQRST1" });
    expect(answer.verdict).toBe("invalid");
    expect(answer.scan_id).toBeUndefined();
    expect(answer.location_token).toBeUndefined();
  });
});

describe("the scan's count and its message", () => {
  it("tell the same number", async () => {
    const { codes } = await releasedLabels(1);
    await scan({ code: codes[0], client_id: "device-ffff-0001", ...places.zhoushan });
    const second = await scan({ code: codes[0], client_id: "device-ffff-0002" });
    expect(second.scan_count).toBe(2);
    expect(second.message).toContain("该码已被查询 2 次");
    const en = await scan(
      { code: codes[0], client_id: "device-ffff-0003" },
      { "accept-language": "en" },
    );
    expect(en.scan_count).toBe(3);
    expect(en.message).toContain("scanned 3 times");
  });
});

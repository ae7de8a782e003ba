// A day at the market, replayed through POST /v1/scans: genuine consumers scanning their packs
// near the point of sale, mixed with the counterfeit patterns the risk engine exists for. Every
// pattern must be flagged (a verdict other than genuine, an alert, or both) and no genuine label
// may raise an alert. The scans run in real time, a few milliseconds apart; the one pattern that
// needs the clock (a code scanned twenty minutes apart in two cities) rewrites the stored time of
// the earlier scan, since one request cannot move the server's clock.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { verdicts } from "../../src/db/schema";
import { createBatch, createProducerSetup, createUser, issue } from "../helpers/fixtures";
import { callJson } from "../helpers/http";
import {
  backdateLastScan,
  forge,
  near,
  type Place,
  places,
  releasedLabels,
  type ScanAnswer,
  scan,
} from "../helpers/scans";

const patterns = [
  "genuine",
  "framed_genuine",
  "copied_code",
  "impossible_travel",
  "forged_burst",
  "draft_batch",
  "revoked_authorization",
] as const;
type Pattern = (typeof patterns)[number];

type Observation = { pattern: Pattern; code: string; answer: ScanAnswer };

type StoredAlert = {
  rule: string;
  subject_type: string;
  subject_id: string;
  label_code: string | null;
  count: number;
};

const GENUINE_LABELS = 40;
const FORGED_CODES = 24;

/** Rows of equal keys as an aligned plain-text table. */
function textTable(rows: Record<string, string | number>[]): string {
  const columns = Object.keys(rows[0] ?? {});
  const width = (column: string) =>
    Math.max(column.length, ...rows.map((row) => String(row[column]).length));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(width(columns[i] as string))).join(" | ")} |`;
  return [
    line(columns),
    line(columns.map((column) => "-".repeat(width(column)))),
    ...rows.map((row) => line(columns.map((column) => String(row[column])))),
  ].join("\n");
}

describe("counterfeit simulation", () => {
  it("flags every counterfeit pattern and no genuine label", async () => {
    const observations: Observation[] = [];
    // Each simulated phone has its own address (CF-Connecting-IP), except where a pattern says.
    let nextAddress = 0;
    const addresses = new Map<string, string>();
    const addressOf = (clientId: string) => {
      let ip = addresses.get(clientId);
      if (!ip) {
        nextAddress += 1;
        ip = `100.64.${nextAddress >> 8}.${nextAddress & 255}`;
        addresses.set(clientId, ip);
      }
      return ip;
    };
    const scanAs = async (
      pattern: Pattern,
      code: string,
      clientId: string,
      place?: Place,
      ip = addressOf(clientId),
    ) => {
      const answer = await scan(
        { code, client_id: clientId, ...(place ?? {}) },
        { "CF-Connecting-IP": ip },
      );
      observations.push({ pattern, code, answer });
      return answer;
    };

    // A Zhoushan cooperative's released batch: genuine packs plus two whose codes get copied.
    const zhoushanCoop = await createProducerSetup();
    const { codes } = await releasedLabels(GENUINE_LABELS + 3, zhoushanCoop);
    const genuine = codes.slice(0, GENUINE_LABELS);
    const copied = codes[GENUINE_LABELS] as string;
    const travelled = codes[GENUINE_LABELS + 1] as string;
    const framed = codes[GENUINE_LABELS + 2] as string;

    // Labels of a batch the cooperative never released.
    const draftBatch = await createBatch(zhoushanCoop);
    const draftCodes = (await issue(zhoushanCoop, draftBatch, 3)).map((l) => l.code);

    // Another producer whose authorization is revoked after its labels were printed.
    const revokedCoop = await createProducerSetup();
    const { codes: revokedCodes } = await releasedLabels(3, revokedCoop);
    const admin = await createUser("admin");
    const revoked = await callJson(`/v1/authorizations/${revokedCoop.authorization.id}/status`, {
      token: admin.token,
      body: { status: "revoked", reason: "年度检查不合格，撤销使用授权" },
    });
    expect(revoked.status).toBe(200);

    // Genuine consumers: one buyer per pack, sometimes a second one (a family member, the
    // shop assistant showing the code), all near the shop in Zhoushan or Hangzhou.
    for (const [i, code] of genuine.entries()) {
      const shop = i % 3 === 2 ? places.hangzhou : places.zhoushan;
      await scanAs("genuine", code, `sim-buyer-${i}-a`, near(shop, i));
      if (i % 4 === 0) await scanAs("genuine", code, `sim-buyer-${i}-b`, near(shop, i + 1));
      if (i % 5 === 0) await scanAs("genuine", code, `sim-buyer-${i}-a`, near(shop, i + 2));
    }

    // One code copied onto many packs, scanned by many people in several cities.
    const markets = [places.shanghai, places.zhengzhou, places.jinan, places.guangzhou];
    for (let i = 0; i < 12; i++) {
      await scanAs(
        "copied_code",
        copied,
        `sim-copy-buyer-${i}`,
        near(markets[i % markets.length] as Place, i),
      );
    }

    // One code scanned in Zhoushan, then twenty minutes later in Zhengzhou (~960 km away).
    await scanAs("impossible_travel", travelled, "sim-travel-zhoushan", places.zhoushan);
    await backdateLastScan(travelled, 20);
    await scanAs("impossible_travel", travelled, "sim-travel-zhengzhou", places.zhengzhou);

    // A forger probing the code space from one phone in Guangzhou, inventing a client id per scan.
    for (let i = 0; i < FORGED_CODES; i++) {
      await scanAs(
        "forged_burst",
        forge(genuine[i] as string, i),
        `sim-forger-${i}`,
        places.guangzhou,
        "100.127.0.66",
      );
    }

    // Someone trying to frame the producer: one phone scans a genuine pack under eight invented
    // client ids; then its real buyer scans it.
    for (let i = 0; i < 8; i++)
      await scanAs("framed_genuine", framed, `sim-framer-${i}`, places.zhoushan, "100.127.0.99");
    await scanAs("framed_genuine", framed, "sim-framed-buyer", near(places.zhoushan, 3));

    for (const [i, code] of draftCodes.entries())
      await scanAs("draft_batch", code, `sim-draft-${i}`, near(places.zhoushan, i));
    for (const [i, code] of revokedCodes.entries())
      await scanAs("revoked_authorization", code, `sim-revoked-${i}`, near(places.zhoushan, i));

    const alerts = (
      await env.DB.prepare(
        "SELECT rule, subject_type, subject_id, label_code, count FROM alerts",
      ).all<StoredAlert>()
    ).results;
    const alertsOn = (subjectIds: string[]) =>
      alerts.filter(
        (a) =>
          subjectIds.includes(a.subject_id) ||
          (a.label_code !== null && subjectIds.includes(a.label_code)),
      );
    const forgerAlerts = alerts.filter((a) => a.rule === "forged_code");
    const subjectsOf: Record<Pattern, StoredAlert[]> = {
      genuine: alertsOn(genuine),
      framed_genuine: alertsOn([framed]),
      copied_code: alertsOn([copied]),
      impossible_travel: alertsOn([travelled]),
      forged_burst: forgerAlerts,
      draft_batch: alertsOn([draftBatch, ...draftCodes]),
      revoked_authorization: alertsOn([revokedCoop.authorization.id, ...revokedCodes]),
    };

    const table = patterns.map((pattern) => {
      const seen = observations.filter((o) => o.pattern === pattern);
      const row: Record<string, string | number> = { pattern, scans: seen.length };
      for (const verdict of verdicts)
        row[verdict] = seen.filter((o) => o.answer.verdict === verdict).length;
      row.alerts =
        [...new Set(subjectsOf[pattern].map((a) => `${a.rule}/${a.subject_type}`))]
          .sort()
          .join(", ") || "-";
      return row;
    });
    console.table(table);
    // workerd's console.table reaches the vitest reporter as nothing: print the same as text.
    console.log(`expected pattern × verdict (scans), and the alerts raised\n${textTable(table)}`);

    const verdictsOf = (pattern: Pattern) =>
      observations.filter((o) => o.pattern === pattern).map((o) => o.answer.verdict);
    const rulesOf = (pattern: Pattern) => subjectsOf[pattern].map((a) => a.rule).sort();

    // No false positive: every genuine scan is genuine and no genuine label raised an alert.
    expect(new Set(verdictsOf("genuine"))).toEqual(new Set(["genuine"]));
    expect(subjectsOf.genuine).toEqual([]);

    // A framed pack stays genuine for everyone: eight client ids from one address are one source.
    expect(new Set(verdictsOf("framed_genuine"))).toEqual(new Set(["genuine"]));
    expect(subjectsOf.framed_genuine).toEqual([]);

    // The copied code: flagged once more than three clients have it, by every copy rule.
    const copiedVerdicts = verdictsOf("copied_code");
    expect(copiedVerdicts.slice(4).every((v) => v === "suspicious" || v === "counterfeit")).toBe(
      true,
    );
    expect(copiedVerdicts).toContain("counterfeit");
    expect(rulesOf("copied_code")).toEqual(["impossible_travel", "many_clients", "wide_spread"]);

    // Zhoushan then Zhengzhou twenty minutes later: the second scan is a counterfeit.
    const travel = observations.filter((o) => o.pattern === "impossible_travel");
    expect(travel.map((o) => o.answer.verdict)).toEqual(["genuine", "counterfeit"]);
    expect(travel[1]?.answer.reasons).toContain("impossible_travel");
    expect(rulesOf("impossible_travel")).toEqual(["impossible_travel"]);

    // The forger: every code invalid, and a forgery-probe alert on its address and the region.
    expect(new Set(verdictsOf("forged_burst"))).toEqual(new Set(["invalid"]));
    expect(forgerAlerts.map((a) => `${a.subject_type}:${a.count}`).sort()).toEqual([
      `client:${FORGED_CODES - 19}`,
      `region:${FORGED_CODES - 19}`,
    ]);
    expect(forgerAlerts.find((a) => a.subject_type === "region")?.subject_id).toBe("440100");

    // Labels of an unreleased batch and under a revoked authorization: suspicious, one alert each.
    expect(new Set(verdictsOf("draft_batch"))).toEqual(new Set(["suspicious"]));
    expect(subjectsOf.draft_batch.map((a) => `${a.rule}/${a.subject_type}:${a.count}`)).toEqual([
      "unreleased_batch/batch:3",
    ]);
    expect(new Set(verdictsOf("revoked_authorization"))).toEqual(new Set(["suspicious"]));
    expect(
      subjectsOf.revoked_authorization.map((a) => `${a.rule}/${a.subject_type}:${a.count}`),
    ).toEqual(["authorization_lapsed/authorization:3"]);

    // Every counterfeit pattern is caught by a verdict or an alert.
    for (const pattern of patterns.filter((p) => p !== "genuine" && p !== "framed_genuine")) {
      const flagged =
        verdictsOf(pattern).some((v) => v !== "genuine") || subjectsOf[pattern].length > 0;
      expect(flagged, pattern).toBe(true);
    }
  }, 90_000);
});

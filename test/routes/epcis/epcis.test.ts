import { env } from "cloudflare:workers";
import { Validator } from "@cfworker/json-schema";
import { beforeAll, describe, expect, it } from "vitest";
import { epcisJsonSchema } from "../../../src/lib/epcis/capture";
import {
  createBatch,
  createProducerSetup,
  createUser,
  issue,
  type ProducerSetup,
  type TestUser,
} from "../../helpers/fixtures";
import { BASE, call, callJson, expectProblem } from "../../helpers/http";
import standardExample from "../../vendor/gs1/Example_9.6.1-ObjectEventWithDigitalLink.jsonld?raw";

type Json = Record<string, unknown>;
type Doc = { epcisBody: { eventList: Json[] } };
type QueryDoc = {
  type: string;
  epcisBody: { queryResults: { resultsBody: { eventList: Json[] } } };
};
type Job = {
  captureID: string;
  success: boolean;
  capturedCount: number;
  duplicateCount: number;
  errors: { eventIndex: number; reason: string }[];
};

const GTIN = "04006381333931";
const schemaErrors = (doc: unknown) =>
  new Validator(epcisJsonSchema(), "7", false)
    .validate(doc)
    .errors.map((e) => `${e.instanceLocation} ${e.error}`);

let home: ProducerSetup;
let other: ProducerSetup;
let partner: TestUser;
let batchId: string;
let lot: string;
let codes: string[];
let otherCode: string;

const dl = (code: string) => `https://${env.PUBLIC_HOST}/01/${GTIN}/10/${lot}/21/${code}`;

function document(events: Json[]): Json {
  return {
    "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
    type: "EPCISDocument",
    schemaVersion: "2.0",
    creationDate: "2026-11-21T08:00:00Z",
    epcisBody: { eventList: events },
  };
}

function coldChainEvent(overrides: Json = {}): Json {
  return {
    type: "ObjectEvent",
    eventTime: "2026-11-21T09:30:00.000+08:00",
    eventTimeZoneOffset: "+08:00",
    epcList: [dl(codes[0] as string)],
    action: "OBSERVE",
    bizStep: "storing",
    disposition: "in_progress",
    readPoint: { id: "geo:30.27,120.15" },
    ...overrides,
  };
}

const capture = (token: string, body: unknown, contentType = "application/ld+json") =>
  callJson<Job>("/epcis/capture", {
    token,
    body: JSON.stringify(body),
    headers: { "Content-Type": contentType },
  });

beforeAll(async () => {
  home = await createProducerSetup();
  other = await createProducerSetup();
  lot = `EP-${Date.now().toString(36)}`;
  batchId = await createBatch(home, { gtin: GTIN, lot_code: lot }, true);
  codes = (await issue(home, batchId, 3)).map((l) => l.code);
  await callJson(`/v1/batches/${batchId}/events`, {
    token: home.producer.token,
    body: {
      type: "catch",
      occurred_at: "2026-11-19T22:00:00Z",
      lat: 30.1,
      lng: 122.9,
      place_name: "东海舟山渔场",
      data: { vessel: "浙普渔12345" },
    },
  });
  const otherBatch = await createBatch(other, { gtin: GTIN, lot_code: `${lot}-X` }, true);
  otherCode = ((await issue(other, otherBatch, 1))[0] as { code: string }).code;
  const admin = await createUser("admin");
  const created = await callJson<{ id: string; email: string }>("/v1/users", {
    token: admin.token,
    body: {
      email: `carrier-${lot.toLowerCase()}@test.local`,
      password: "a-long-password",
      role: "partner",
      display_name: "冷链承运",
      organization_id: home.org.id,
    },
  });
  expect(created.status).toBe(201);
  const login = await callJson<{ access_token: string }>("/v1/auth/login", {
    body: { email: created.body.email, password: "a-long-password" },
  });
  partner = {
    id: created.body.id,
    email: created.body.email,
    role: "partner",
    token: login.body.access_token,
    refreshToken: "",
  };
});

describe("GET /v1/batches/{id}/epcis", () => {
  it("answers an EPCISDocument valid against the EPCIS 2.0 JSON schema", async () => {
    const response = await call(`/v1/batches/${batchId}/epcis`, { token: home.producer.token });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/ld+json");
    const doc = (await response.json()) as Doc;
    expect(schemaErrors(doc)).toEqual([]);
    const [commissioning, catchEvent] = doc.epcisBody.eventList as Json[];
    expect(commissioning).toMatchObject({
      type: "ObjectEvent",
      action: "ADD",
      bizStep: "commissioning",
      disposition: "active",
      eventTime: "2026-11-20T12:30:00.000+08:00",
      eventTimeZoneOffset: "+08:00",
      quantityList: [
        { epcClass: `https://${env.PUBLIC_HOST}/01/${GTIN}/10/${lot}`, quantity: 500, uom: "KGM" },
      ],
      readPoint: { id: `geo:${home.site.lat},${home.site.lng}` },
    });
    // The item EPCs are the URLs the labels print (a local server prints its own origin).
    const printed = (code: string) => `${BASE}/01/${GTIN}/10/${lot}/21/${code}`;
    expect(commissioning?.epcList).toEqual(expect.arrayContaining(codes.map(printed)));
    expect(catchEvent).toMatchObject({
      bizStep: "commissioning",
      readPoint: { id: "geo:30.1,122.9" },
      "gitrace:placeName": "东海舟山渔场",
    });
    for (const event of doc.epcisBody.eventList) {
      expect(event.eventID).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
    }
  });

  it("gives the same eventIDs on every export", async () => {
    const ids = async () =>
      (
        (await (
          await call(`/v1/batches/${batchId}/epcis`, { token: home.producer.token })
        ).json()) as Doc
      ).epcisBody.eventList.map((e) => e.eventID);
    expect(await ids()).toEqual(await ids());
  });

  it("is 404 for another organization's producer and 403 for a partner", async () => {
    await expectProblem(
      await call(`/v1/batches/${batchId}/epcis`, { token: other.producer.token }),
      404,
      "not_found",
    );
    await expectProblem(
      await call(`/v1/batches/${batchId}/epcis`, { token: partner.token }),
      403,
      "forbidden",
    );
  });
});

describe("POST /epcis/capture", () => {
  it("stores a valid document from a partner of the organization and reports success", async () => {
    const response = await capture(partner.token, document([coldChainEvent()]));
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({
      success: true,
      capturedCount: 1,
      duplicateCount: 0,
      errors: [],
    });
    const location = response.headers.get("Location") as string;
    const job = await callJson<Job>(location, { token: partner.token });
    expect(job.body.success).toBe(true);
    const doc = (await (
      await call(`/v1/batches/${batchId}/epcis`, { token: home.producer.token })
    ).json()) as Doc;
    expect(doc.epcisBody.eventList.some((e) => e.bizStep === "storing")).toBe(true);
  });

  it("accepts application/json too", async () => {
    const response = await capture(
      home.producer.token,
      document([coldChainEvent({ bizStep: "shipping", eventTime: "2026-11-21T10:00:00+08:00" })]),
      "application/json",
    );
    expect(response.status).toBe(202);
    expect(response.body.success).toBe(true);
  });

  it("does not store a repeated eventID twice", async () => {
    const event = coldChainEvent({
      eventID:
        "ni:///sha-256;00000000000000000000000000000000000000000000000000000000000000aa?ver=CBV2.0",
      bizStep: "receiving",
      eventTime: "2026-11-21T11:00:00+08:00",
    });
    const first = await capture(partner.token, document([event]));
    const again = await capture(partner.token, document([event, event]));
    expect(first.body.capturedCount).toBe(1);
    expect(again.body).toMatchObject({ success: true, capturedCount: 0, duplicateCount: 2 });
    const rows = await env.DB.prepare(
      "SELECT count(*) AS n FROM trace_events WHERE epcis_event_id = ?",
    )
      .bind(event.eventID)
      .first<{ n: number }>();
    expect(rows?.n).toBe(1);
  });

  it("refuses a document that is not valid EPCIS 2.0 with 400 listing what is wrong", async () => {
    const bad = document([coldChainEvent({ action: "LOOK", eventTime: "yesterday" })]);
    const problem = await expectProblem(
      await call("/epcis/capture", { token: partner.token, body: bad }),
      400,
      "validation_failed",
    );
    const paths = (problem.errors ?? []).map((e) => e.path);
    expect(paths).toContain("body.epcisBody.eventList.0.action");
    expect(paths).toContain("body.epcisBody.eventList.0.eventTime");
    await expectProblem(
      await call("/epcis/capture", { token: partner.token, body: { type: "ObjectEvent" } }),
      400,
      "validation_failed",
    );
  });

  it("refuses events for another organization's batch or unknown EPCs and stores nothing", async () => {
    const before = await env.DB.prepare("SELECT count(*) AS n FROM trace_events").first<{
      n: number;
    }>();
    const foreign = `https://${env.PUBLIC_HOST}/01/${GTIN}/10/${lot}-X/21/${otherCode}`;
    const response = await capture(
      partner.token,
      document([
        coldChainEvent({ eventTime: "2026-11-22T09:00:00+08:00" }),
        coldChainEvent({ epcList: [foreign] }),
        coldChainEvent({ epcList: ["https://id.gs1.org/01/70614141123451/21/2017"] }),
      ]),
    );
    expect(response.status).toBe(202);
    expect(response.body.success).toBe(false);
    expect(response.body.capturedCount).toBe(0);
    expect(response.body.errors.map((e) => e.eventIndex)).toEqual([1, 2]);
    expect(response.body.errors[0]?.reason).toMatch(/another organization/);
    const after = await env.DB.prepare("SELECT count(*) AS n FROM trace_events").first<{
      n: number;
    }>();
    expect(after?.n).toBe(before?.n);
  });

  it("takes the standard's own example: schema-valid, refused for EPCs it does not hold, stored once they are ours", async () => {
    const example = JSON.parse(standardExample) as Doc;
    const refused = await capture(partner.token, example);
    expect(refused.status).toBe(202);
    expect(refused.body.success).toBe(false);
    for (const event of example.epcisBody.eventList) {
      event.epcList = (event.epcList as string[]).map((_, i) => dl(codes[i + 1] as string));
    }
    const stored = await capture(partner.token, example);
    expect(stored.body).toMatchObject({ success: true, capturedCount: 2 });
  });

  it("shows captured events in the consumer's trace, unknown steps readable", async () => {
    const scan = await callJson<{ trace: { type: string; cbv_business_step: string }[] }>(
      "/v1/scans",
      {
        body: { url: dl(codes[0] as string), client_id: "device-epcis-01" },
      },
    );
    expect(scan.body.trace).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: "other", cbv_business_step: "storing" }),
      ]),
    );
  });
});

describe("GET /epcis/events", () => {
  it("answers an EPCISQueryDocument filtered by bizStep, EPC and time, own organization only", async () => {
    const query = async (q: string, token = partner.token) =>
      (await callJson<QueryDoc>(`/epcis/events?${q}`, { token })).body.epcisBody.queryResults
        .resultsBody.eventList;
    const storing = await query("EQ_bizStep=storing");
    expect(storing.length).toBeGreaterThan(0);
    expect(storing.every((e) => e.bizStep === "storing")).toBe(true);
    const byEpc = await query(`MATCH_epc=${encodeURIComponent(dl(codes[0] as string))}`);
    expect(byEpc.some((e) => e.bizStep === "commissioning")).toBe(true);
    const byClass = await query(
      `MATCH_epcClass=${encodeURIComponent(`https://${env.PUBLIC_HOST}/01/${GTIN}/10/${lot}`)}&GE_eventTime=2026-11-21T00:00:00Z&LT_eventTime=2026-11-21T02:00:00Z`,
    );
    expect(byClass.map((e) => e.bizStep)).toEqual(["storing"]);
    expect(await query("EQ_bizStep=storing", other.producer.token)).toEqual([]);
  });

  it("pages with perPage and nextPageToken", async () => {
    const first = await call("/epcis/events?perPage=1", { token: partner.token });
    const link = first.headers.get("Link") ?? "";
    expect(link).toMatch(/nextPageToken=.*rel="next"/);
    const next = /<([^>]+)>/.exec(link)?.[1] as string;
    const a = ((await first.json()) as QueryDoc).epcisBody.queryResults.resultsBody.eventList;
    const b = ((await (await call(next, { token: partner.token })).json()) as QueryDoc).epcisBody
      .queryResults.resultsBody.eventList;
    expect(a).toHaveLength(1);
    expect(b[0]?.eventID).not.toBe(a[0]?.eventID);
  });

  it("answers one event by its eventID, captured or our own", async () => {
    const all = (await callJson<QueryDoc>("/epcis/events?perPage=200", { token: partner.token }))
      .body.epcisBody.queryResults.resultsBody.eventList;
    for (const event of all.slice(0, 3)) {
      const one = await callJson<Json>(
        `/epcis/events/${encodeURIComponent(String(event.eventID))}`,
        { token: partner.token },
      );
      expect(one.status).toBe(200);
      expect(one.body.eventID).toBe(event.eventID);
    }
    await expectProblem(
      await call(`/epcis/events/${encodeURIComponent(String(all[0]?.eventID))}`, {
        token: other.producer.token,
      }),
      404,
      "not_found",
    );
  });
});

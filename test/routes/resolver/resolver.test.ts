import { exports } from "cloudflare:workers";
import { Validator } from "@cfworker/json-schema";
import { beforeAll, describe, expect, it } from "vitest";
import { gtinCheckDigit } from "../../../src/lib/gtin";
import {
  createBatch,
  createProducerSetup,
  issue,
  type ProducerSetup,
} from "../../helpers/fixtures";
import { BASE, call, expectProblem } from "../../helpers/http";
import linksetSchema from "../../vendor/gs1/gs1-linkset-schema.json";

// The GS1-Conformant Resolver Standard 1.0, statement by statement, as GS1's resolver test
// suite (gs1/GS1DL-resolver-testsuite) requests and judges them.
const GTIN13 = "4006381333931";
const GTIN14 = "04006381333931";
const LOT = "RS-LOT.1";
const VOC = "https://gs1.org/voc/";
const UNKNOWN_GTIN = `0950600013435${gtinCheckDigit("0950600013435")}`;

let setup: ProducerSetup;
let batchId: string;
let code: string;
let otherLotCode: string;
let plainCode: string;

beforeAll(async () => {
  setup = await createProducerSetup();
  batchId = await createBatch(setup, { gtin: GTIN13, lot_code: LOT }, true);
  code = ((await issue(setup, batchId, 1))[0] as { code: string }).code;
  const otherLot = await createBatch(setup, { gtin: GTIN13, lot_code: "RS-LOT-2" }, true);
  otherLotCode = ((await issue(setup, otherLot, 1))[0] as { code: string }).code;
  const plain = await createBatch(setup, {}, true);
  plainCode = ((await issue(setup, plain, 1))[0] as { code: string }).code;
});

const item = () => `/01/${GTIN14}/10/${LOT}/21/${code}`;
// Redirects are judged as a client sees them, not followed.
const get = (path: string, headers: Record<string, string> = {}, method = "GET") =>
  exports.default.fetch(`${BASE}${path}`, { method, headers, redirect: "manual" });

type Linkset = { linkset: Record<string, unknown>[] };

function validLinkset(body: unknown): string[] {
  const result = new Validator(linksetSchema as object, "7", false).validate(body);
  return result.errors.map((e) => `${e.instanceLocation}: ${e.error}`);
}

describe("GS1 resolver: methods, CORS and syntax", () => {
  it("answers GET and HEAD alike with a 307 to the default link", async () => {
    const got = await get(item());
    const head = await get(item(), {}, "HEAD");
    expect(got.status).toBe(307);
    expect(head.status).toBe(307);
    expect(got.headers.get("Location")).toBe(`${BASE}/v/${code}`);
    expect(head.headers.get("Location")).toBe(got.headers.get("Location"));
    expect(await head.text()).toBe("");
  });

  it("answers OPTIONS with the methods, CORS headers and the linkset link", async () => {
    const response = await get(
      item(),
      {
        Origin: "https://ref.gs1.org",
        "Access-Control-Request-Method": "GET,HEAD,OPTIONS",
      },
      "OPTIONS",
    );
    expect(response.status).toBe(204);
    expect(response.headers.get("Allow")).toBe("GET, HEAD, OPTIONS");
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const methods = response.headers.get("Access-Control-Allow-Methods") ?? "";
    for (const m of ["GET", "HEAD", "OPTIONS"]) expect(methods).toContain(m);
    expect(response.headers.get("Link")).toContain('rel="linkset"');
  });

  it("sends CORS headers on redirects and errors, exposing Link and Location", async () => {
    for (const path of [item(), `/01/${GTIN14}/foo`, `/01/${UNKNOWN_GTIN}`]) {
      const response = await get(path, { Origin: "https://other.example" });
      expect(response.headers.get("Access-Control-Allow-Origin"), path).toBe("*");
      expect(response.headers.get("Access-Control-Expose-Headers"), path).toContain("Link");
      await response.body?.cancel();
    }
  });

  it("normalises GTIN-8, -12 and -13 to 14 digits", async () => {
    const short = await createProducerSetup();
    for (const gtin of ["96385074", "036000291452"]) {
      const batch = await createBatch(short, { gtin, lot_code: `N-${gtin}` }, true);
      const [label] = await issue(short, batch, 1);
      const response = await get(`/01/${gtin}/10/N-${gtin}/21/${label?.code}`);
      expect(response.status, gtin).toBe(307);
      expect(response.headers.get("Location")).toBe(`${BASE}/v/${label?.code}`);
      expect(response.headers.get("Link")).toContain(
        `<${BASE}/01/${gtin.padStart(14, "0")}/10/N-${gtin}/21/${label?.code}>; rel="owl:sameAs"`,
      );
    }
    const thirteen = await get(`/01/${GTIN13}/10/${LOT}/21/${code}`);
    expect(thirteen.status).toBe(307);
  });

  it("answers 400 problem+json for a syntactically bad URI, never 200", async () => {
    for (const path of [
      `/01/${GTIN14}/10/${LOT}/21/${code}/foo`,
      "/01/4006381333932",
      "/01/12345",
      `/01/${GTIN14}/21/${code}/10/${LOT}`,
      `/01/${GTIN14}/99/x`,
      `/01/${GTIN14}/10/${"L".repeat(21)}`,
      `/01/${GTIN14}/10/%E0%A4%A`,
    ]) {
      await expectProblem(await get(path), 400, "validation_failed");
    }
  });

  it("answers 404 for an unknown GTIN and a forged or unknown serial", async () => {
    await expectProblem(await get(`/01/${UNKNOWN_GTIN}`), 404, "not_found");
    await expectProblem(
      await get(`/01/${GTIN14}/10/${LOT}/21/0000000000000000000AA`),
      404,
      "not_found",
    );
  });

  it("answers 404 for a serial under another GTIN or lot (#15), and resolves one without a lot", async () => {
    await expectProblem(await get(`/01/${UNKNOWN_GTIN}/10/${LOT}/21/${code}`), 404, "not_found");
    await expectProblem(await get(`/01/${GTIN14}/10/${LOT}/21/${otherLotCode}`), 404, "not_found");
    await expectProblem(await get(`/01/${GTIN14}/10/${LOT}/21/${plainCode}`), 404, "not_found");
    const noLot = await get(`/01/${GTIN14}/21/${code}`);
    expect(noLot.status).toBe(307);
    expect(noLot.headers.get("Location")).toBe(`${BASE}/v/${code}`);
    await expectProblem(await get(`/01/${GTIN14}/21/${plainCode}`), 404, "not_found");
  });

  it("tolerates a trailing slash", async () => {
    const a = await get(item());
    const b = await get(`${item()}/`);
    expect(b.status).toBe(a.status);
    expect(b.headers.get("Location")).toBe(a.headers.get("Location"));
  });

  it("refuses other methods with 405 and Allow", async () => {
    const response = await call(item(), { method: "POST", body: {} });
    await expectProblem(response, 405, "method_not_allowed");
  });
});

describe("GS1 resolver: levels, link types and Link header", () => {
  it("redirects a lot to the GTIN's default link, and an unknown lot walks up to the GTIN", async () => {
    const lot = await get(`/01/${GTIN14}/10/${LOT}`);
    const unknownLot = await get(`/01/${GTIN14}/10/KL8G`);
    const gtin = await get(`/01/${GTIN14}`);
    expect(gtin.status).toBe(307);
    expect(gtin.headers.get("Location")).toBe(`${BASE}/v1/gi-products/${setup.product.id}`);
    expect(lot.headers.get("Location")).toBe(gtin.headers.get("Location"));
    expect(unknownLot.status).toBe(307);
    expect(unknownLot.headers.get("Location")).toBe(gtin.headers.get("Location"));
  });

  it("redirects ?linkType= to that link, in every spelling, the most granular level first", async () => {
    for (const lt of [
      "gs1:traceability",
      `${VOC}traceability`,
      "https://ref.gs1.org/voc/traceability",
    ]) {
      const response = await get(`${item()}?linkType=${encodeURIComponent(lt)}`);
      expect(response.status, lt).toBe(307);
      expect(response.headers.get("Location")).toBe(`${BASE}/v1/batches/${batchId}/epcis`);
    }
    const cert = await get(`${item()}?linkType=gs1:certificationInfo`);
    expect(cert.headers.get("Location")).toBe(
      `${BASE}/v1/public/authorizations?number=${encodeURIComponent(setup.authorization.number)}`,
    );
    const gtinCert = await get(`/01/${GTIN14}?linkType=gs1:certificationInfo`);
    expect(gtinCert.headers.get("Location")).toBe(`${BASE}/v1/gi-products/${setup.product.id}`);
    const pip = await get(`${item()}?linkType=gs1:pip`);
    expect(pip.headers.get("Location")).toBe(`${BASE}/v/${code}`);
  });

  it("answers 404 for a link type it does not have or does not know", async () => {
    await expectProblem(await get(`${item()}?linkType=gs1:recipeInfo`), 404, "not_found");
    await expectProblem(await get(`${item()}?linkType=nonsense`), 404, "not_found");
    await expectProblem(await get(`/01/${GTIN14}?linkType=gs1:traceability`), 404, "not_found");
  });

  it("passes the request's query keys on, without its linkType", async () => {
    const plain = await get(`${item()}?foo=bar&17=261231`);
    expect(plain.headers.get("Location")).toBe(`${BASE}/v/${code}?foo=bar&17=261231`);
    const typed = await get(`${item()}?linkType=gs1:certificationInfo&foo=bar`);
    expect(typed.headers.get("Location")).toMatch(/\?number=[^&]+&foo=bar$/);
  });

  it("carries every link, the linkset and the canonical URI in the Link header of a redirect", async () => {
    const link = (await get(item())).headers.get("Link") ?? "";
    expect(link).toContain(
      `<${BASE}${item()}?linkType=linkset>; rel="linkset"; type="application/linkset+json"`,
    );
    expect(link).toContain(`<${BASE}/v/${code}>; rel="${VOC}pip"`);
    expect(link).toContain(`rel="${VOC}defaultLink"`);
    expect(link).toContain(`<${BASE}/v1/batches/${batchId}/epcis>; rel="${VOC}traceability"`);
    expect(link).toContain(`rel="${VOC}certificationInfo"`);
    expect(link).toContain('hreflang="zh"');
    // Titles in Chinese travel in the RFC 8187 form, so the header stays ASCII.
    expect(link).toMatch(/title\*=UTF-8''%E7%9C%9F/);
    expect(/^[\x20-\x7e]*$/.test(link)).toBe(true);
  });
});

describe("GS1 resolver: linkset and JSON-LD", () => {
  it("answers ?linkType=linkset (and the deprecated all) with an RFC 9264 linkset valid against GS1's schema", async () => {
    for (const lt of ["linkset", "all"]) {
      const response = await get(`${item()}?linkType=${lt}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("Content-Type")).toBe("application/linkset+json");
      expect(response.headers.get("Link")).toContain('rel="http://www.w3.org/ns/json-ld#context"');
      const body = (await response.json()) as Linkset;
      expect(validLinkset(body)).toEqual([]);
      expect(body.linkset.map((l) => l.anchor)).toEqual([
        `${BASE}/01/${GTIN14}/10/${LOT}/21/${code}`,
        `${BASE}/01/${GTIN14}/10/${LOT}`,
        `${BASE}/01/${GTIN14}`,
      ]);
    }
  });

  it("answers Accept: application/linkset+json with the linkset, anchored at the uncompressed URI", async () => {
    const response = await get(`/01/${GTIN13}/10/${LOT}/21/${code}`, {
      Accept: "application/linkset+json",
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Linkset;
    expect(validLinkset(body)).toEqual([]);
    expect(body.linkset[0]?.anchor).toBe(`${BASE}${item()}`);
  });

  it("gives one default link without attributes, and title, type and hreflang on the others", async () => {
    const body = (await (await get(`${item()}?linkType=linkset`)).json()) as Linkset;
    const [itemLevel, lotLevel, gtinLevel] = body.linkset as Record<string, unknown>[];
    expect(itemLevel?.[`${VOC}defaultLink`]).toEqual([
      { href: `${BASE}/v/${code}`, title: expect.any(String) },
    ]);
    expect(itemLevel?.[`${VOC}pip`]).toEqual([
      {
        href: `${BASE}/v/${code}`,
        title: expect.any(String),
        type: "text/html",
        hreflang: ["zh", "en"],
      },
    ]);
    expect(lotLevel?.[`${VOC}defaultLink`]).toBeUndefined();
    expect(lotLevel?.[`${VOC}traceability`]).toEqual([
      {
        href: `${BASE}/v1/batches/${batchId}/epcis`,
        title: expect.any(String),
        type: "application/ld+json",
      },
    ]);
    expect(gtinLevel?.[`${VOC}defaultLink`]).toHaveLength(1);
    expect(gtinLevel?.itemDescription).toBe(setup.product.nameZh);
  });

  it("names the item in the reader's language", async () => {
    const body = (await (
      await get(`/01/${GTIN14}?linkType=linkset`, { "Accept-Language": "en-GB" })
    ).json()) as Linkset;
    const pip = body.linkset[0]?.[`${VOC}pip`] as { title: string }[];
    expect(pip[0]?.title).toMatch(/GI registry entry/);
  });

  it("answers Accept: application/ld+json with the linkset as JSON-LD and serves its context", async () => {
    const response = await get(`/01/${GTIN14}`, { Accept: "application/ld+json" });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/ld+json");
    const body = (await response.json()) as Linkset & { "@context": string };
    const { "@context": context, ...linkset } = body;
    expect(validLinkset(linkset)).toEqual([]);
    const contextFile = await get(new URL(context).pathname);
    expect(contextFile.status).toBe(200);
    expect(contextFile.headers.get("Content-Type")).toBe("application/ld+json");
    expect(
      ((await contextFile.json()) as { "@context": { linkset: string } })["@context"].linkset,
    ).toBe("@graph");
  });
});

describe("GET /.well-known/gs1resolver", () => {
  it("describes the resolver with the fields of GS1's description file", async () => {
    const response = await get("/.well-known/gs1resolver");
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    const schema = {
      type: "object",
      required: [
        "name",
        "resolverRoot",
        "supportedPrimaryKeys",
        "supportedLinkType",
        "linkTypeDefaultCanBeAll",
      ],
      properties: {
        name: { type: "string", minLength: 1 },
        resolverRoot: { type: "string", pattern: "^https?://[^/]+$" },
        supportedPrimaryKeys: { type: "array", items: { type: "string" }, minItems: 1 },
        supportedLinkType: {
          type: "array",
          items: {
            type: "object",
            required: ["namespace", "prefix"],
            properties: {
              namespace: { type: "string", format: "uri" },
              prefix: { type: "string" },
            },
          },
        },
        linkTypeDefaultCanBeAll: { type: "boolean" },
      },
    };
    expect(new Validator(schema as object, "7", false).validate(body).errors).toEqual([]);
    expect(body.resolverRoot).toBe(BASE);
    expect(body.supportedPrimaryKeys).toEqual(["01"]);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });
});

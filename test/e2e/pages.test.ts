// End-to-end: the worker under `wrangler dev`, driven by a real headless Chromium.
import { mkdirSync } from "node:fs";
import chromium from "@sparticuz/chromium";
import {
  type Browser,
  type BrowserContext,
  type Page,
  chromium as playwright,
} from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  caller,
  registerProducer,
  releasedBatch,
  SHENGSI_MUSSEL,
  type SharedServer,
  sharedServer,
} from "./fixtures.ts";

const ARTIFACTS = "test-artifacts";

let server: SharedServer;
let browser: Browser;
let code: string;
/** Another label of the batch, for tests that must not add scans to `code`. */
let otherCode: string;
const contexts: BrowserContext[] = [];

let phones = 0;

async function newPage(geo?: { latitude: number; longitude: number }): Promise<Page> {
  phones += 1;
  const context = await browser.newContext({
    viewport: { width: 360, height: 780 },
    locale: "zh-CN",
    // Each context is a phone on its own network: limits and the distinct-client rules key on
    // the connecting address, which Cloudflare's edge sets as CF-Connecting-IP.
    extraHTTPHeaders: { "CF-Connecting-IP": `198.18.${phones >> 8}.${phones & 255}` },
    ...(geo ? { geolocation: geo, permissions: ["geolocation"] } : {}),
  });
  contexts.push(context);
  return context.newPage();
}

async function shot(page: Page, name: string) {
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
}

/**
 * Opens the verify page as a new consumer and returns the verdict it shows without a tap; with
 * `geo`, then accepts the offer to add the location to that scan.
 */
async function consumerScan(name: string, geo?: { latitude: number; longitude: number }) {
  const page = await newPage(geo);
  // Each consumer is its own device: give each page the fresh client id a new phone would have,
  // before the page's script posts the scan.
  await page.addInitScript(
    (id) => localStorage.setItem("gi-client-id", id),
    `e2e-${name}-${Date.now()}`,
  );
  await page.goto(`${server.base}/v/${code}`);
  let verdict = await page.locator("#verdict").getAttribute("data-verdict", { timeout: 15_000 });
  if (geo) {
    await page.click("#share-location");
    await page.locator("#location-status", { hasText: "已添加" }).waitFor({ timeout: 15_000 });
    verdict = await page.locator("#verdict").getAttribute("data-verdict");
  }
  await shot(page, name);
  return { page, verdict };
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await sharedServer();
  browser = await playwright.launch({
    executablePath: await chromium.executablePath(),
    // Without --single-process each context keeps its own permissions (a geolocation grant to
    // one context otherwise does not reach contexts created after another one).
    args: chromium.args.filter((arg) => arg !== "--single-process"),
    headless: true,
  });

  // Registry and producer data through the API, as an administrator and the producer would.
  const call = caller(server.base);
  const shengsi = await registerProducer(call, server.admin, SHENGSI_MUSSEL);
  const producer = shengsi.producerToken;
  const [auth] = (await call("GET", "/v1/authorizations", undefined, producer)).items;
  const [site] = (
    await call("GET", `/v1/organizations/${shengsi.organizationId}/sites`, undefined, producer)
  ).items;
  const batch = await releasedBatch(call, producer, {
    authorizationId: auth.id,
    siteId: site.id,
    lotCode: "SSYB-E2E-1",
    event: {
      type: "harvest",
      occurred_at: "2026-11-01T02:00:00Z",
      place_name: "嵊泗列岛养殖区",
      lat: 30.72,
      lng: 122.45,
    },
    labels: 5,
  });
  code = batch.labels[0]?.code as string;
  otherCode = batch.labels[1]?.code as string;
}, 240_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close().catch(() => {});
}, 30_000);

describe("pages served by the worker", () => {
  it("sends a CSP forbidding inline script on the verify page, the console and assets", async () => {
    for (const path of [`/v/${code}`, "/console/", "/assets/verify.js"]) {
      const res = await fetch(`${server.base}${path}`);
      expect(res.status, path).toBe(200);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).not.toContain("unsafe-inline");
    }
  });

  it("refuses a Digital Link with a bad GTIN, an unknown serial, or a GTIN its batch lacks", async () => {
    // The resolving Digital Link of a GTIN batch is opened in test/e2e/paper-to-verdict.test.ts.
    const link = (gtin: string, serial: string) =>
      fetch(`${server.base}/01/${gtin}/10/SSYB-E2E-1/21/${serial}`, { redirect: "manual" });
    // This label's batch has no GTIN: the serial under some GTIN is no item of ours.
    expect((await link("06901234567892", code)).status).toBe(404);
    const bad = await link("123", code);
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
    expect((await link("06901234567892", "0000000000000000000AA")).status).toBe(404);
  });
});

describe("the verify page in a real browser", () => {
  it("a consumer scanning a genuine label sees genuine, with product, producer and trace", async () => {
    const { page, verdict } = await consumerScan("01-consumer-genuine");
    expect(verdict).toBe("genuine");
    await expect(page.locator("#verdict h2").innerText()).resolves.toContain("正品");
    await expect(page.locator("#product").innerText()).resolves.toContain("嵊泗贻贝");
    await expect(page.locator("#producer").innerText()).resolves.toContain("嵊泗县贻贝专业合作社");
    await expect(page.locator("#trace li").count()).resolves.toBeGreaterThan(0);
    await page.click("#lang");
    await expect(page.locator("#verdict h2").innerText()).resolves.toContain("Genuine");
    await shot(page, "01b-consumer-genuine-en");
    await page.click("#lang"); // back to Chinese (the choice is remembered in localStorage)
    await expect(page.locator("#verdict h2").innerText()).resolves.toContain("正品");
  });

  it("an unknown code shows the not-registered view", async () => {
    const page = await newPage();
    await page.goto(`${server.base}/v/0000000000000000000AA`);
    await expect(page.locator("#verdict").getAttribute("data-verdict")).resolves.toBe("invalid");
    await expect(page.locator("#invalid-help").isVisible()).resolves.toBe(true);
    await expect(page.locator("#report-form").isVisible()).resolves.toBe(true);
    await shot(page, "02-consumer-invalid");
  });

  it("the same code scanned by other clients shows a warning", async () => {
    // The first other client shares its location near the producer (consent path); the rest do not.
    // (Far-apart cities within seconds would be impossible travel: counterfeit straight away.)
    const geos = [{ latitude: 30.7, longitude: 122.4 }, undefined, undefined, undefined, undefined];
    const verdicts: string[] = [];
    for (const [i, geo] of geos.entries()) {
      const { page, verdict } = await consumerScan(`03-consumer-other-client-${i + 1}`, geo);
      verdicts.push(String(verdict));
      if (verdict !== "genuine") {
        expect(["warning", "suspicious"]).toContain(verdict);
        await expect(page.locator("#scan-notice").innerText()).resolves.toMatch(
          /首次查询|First checked/,
        );
        return;
      }
    }
    throw new Error(`no warning after ${verdicts.length} other clients: ${verdicts.join(", ")}`);
  });

  it("sends the location again when the server answers that its scan is still queued", async () => {
    const page = await newPage({ latitude: 29.99, longitude: 122.2 });
    const posted: number[] = [];
    // The first answer is what a worker writing scans through the queue answers a location that
    // overtook its scan; the page's second try reaches the worker.
    await page.route("**/v1/scans/*/location", async (route) => {
      posted.push(Date.now());
      if (posted.length > 1) return route.continue();
      return route.fulfill({
        status: 409,
        headers: { "content-type": "application/problem+json", "retry-after": "1" },
        body: JSON.stringify({ status: 409, code: "scan_pending", detail: "not stored yet" }),
      });
    });
    await page.goto(`${server.base}/v/${otherCode}`);
    await page.locator("#verdict").getAttribute("data-verdict", { timeout: 15_000 });
    await page.click("#share-location");
    await page.locator("#location-status", { hasText: "已添加" }).waitFor({ timeout: 15_000 });
    expect(posted).toHaveLength(2);
    expect((posted[1] as number) - (posted[0] as number)).toBeGreaterThanOrEqual(900);
  });
});

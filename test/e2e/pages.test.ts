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
import { type LocalServer, startServer } from "./server.ts";

const ADMIN = { email: "admin@e2e.local", password: "admin-password-1" };
const PRODUCER = { email: "coop@e2e.local", password: "producer-password-1" };
const REGULATOR = { email: "reg@e2e.local", password: "regulator-password-1" };
const ARTIFACTS = "test-artifacts";

let server: LocalServer;
let browser: Browser;
let code: string;
const contexts: BrowserContext[] = [];

async function call(method: string, path: string, body?: unknown, token?: string) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${server.base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

async function tokenOf(user: { email: string; password: string }): Promise<string> {
  return (await call("POST", "/v1/auth/login", user)).access_token;
}

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
  server = await startServer(ADMIN);
  browser = await playwright.launch({
    executablePath: await chromium.executablePath(),
    // Without --single-process each context keeps its own permissions (a geolocation grant to
    // one context otherwise does not reach contexts created after another one).
    args: chromium.args.filter((arg) => arg !== "--single-process"),
    headless: true,
  });

  // Registry and producer data through the API, as an administrator and the producer would.
  const admin = await tokenOf(ADMIN);
  const org = await call(
    "POST",
    "/v1/organizations",
    {
      name: "嵊泗县贻贝专业合作社",
      uscc: "91350100M000100Y43",
      kind: "cooperative",
      region_code: "330922",
    },
    admin,
  );
  const gi = await call(
    "POST",
    "/v1/gi-products",
    {
      name_zh: "嵊泗贻贝",
      name_en: "Shengsi mussel",
      category: "seafood",
      protection_type: "agri_product_gi",
      registration_no: "AGI01234",
      holder_name: "嵊泗县贻贝协会",
      protected_region_codes: ["330922"],
    },
    admin,
  );
  await call(
    "POST",
    "/v1/authorizations",
    {
      organization_id: org.id,
      gi_product_id: gi.id,
      valid_from: "2026-01-01",
      valid_until: "2030-12-31",
      annual_label_quota: 100000,
    },
    admin,
  );
  await call(
    "POST",
    `/v1/organizations/${org.id}/sites`,
    { name: "嵊泗养殖基地", kind: "farm", lat: 30.72, lng: 122.45, region_code: "330922" },
    admin,
  );
  await call(
    "POST",
    "/v1/users",
    { ...PRODUCER, role: "producer", display_name: "合作社", organization_id: org.id },
    admin,
  );
  await call(
    "POST",
    "/v1/users",
    { ...REGULATOR, role: "regulator", display_name: "舟山监管", region_codes: ["330922"] },
    admin,
  );

  const producer = await tokenOf(PRODUCER);
  const [auth] = (await call("GET", "/v1/authorizations", undefined, producer)).items;
  const [site] = (await call("GET", `/v1/organizations/${org.id}/sites`, undefined, producer))
    .items;
  const batch = await call(
    "POST",
    "/v1/batches",
    {
      authorization_id: auth.id,
      site_id: site.id,
      lot_code: "SSYB-E2E-1",
      quantity: 500,
      unit: "kg",
      produced_at: "2026-11-01T04:00:00Z",
    },
    producer,
  );
  await call(
    "POST",
    `/v1/batches/${batch.id}/events`,
    {
      type: "harvest",
      occurred_at: "2026-11-01T02:00:00Z",
      place_name: "嵊泗列岛养殖区",
      lat: 30.72,
      lng: 122.45,
    },
    producer,
  );
  await call("POST", `/v1/batches/${batch.id}/release`, undefined, producer);
  code = (await call("POST", `/v1/batches/${batch.id}/labels`, { count: 5 }, producer)).labels[0]
    .code;
}, 120_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close().catch(() => {});
  await server?.stop();
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
});

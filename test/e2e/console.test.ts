// The console's main journeys per role in a real headless Chromium against `wrangler dev`.
// Access tokens live 5 s here (ACCESS_TOKEN_TTL_SECONDS), so every journey also runs across
// several token renewals.
import { mkdirSync, readFileSync } from "node:fs";
import chromium from "@sparticuz/chromium";
import { type BrowserContext, type Page, chromium as playwright } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { makeUscc } from "../helpers/uscc.ts";
import {
  type Caller,
  type Credentials,
  caller,
  registerProducer,
  releasedBatch,
  SHENGSI_MUSSEL,
  tokenOf,
} from "./fixtures.ts";
import { ADMIN, type LocalServer, startServer } from "./server.ts";

const ARTIFACTS = "test-artifacts";
const TTL_SECONDS = 5;
/** jose accepts a token this long past its expiry (src/lib/access-tokens.ts). */
const CLOCK_TOLERANCE_SECONDS = 30;

// This file's own server: its access tokens live TTL_SECONDS, the shared server's the default.
let server: LocalServer;
let call: Caller;
let producer: Credentials;
let regulator: Credentials;
let code: string;
let alertId: string;
let orgId: string;
let giId: string;

/**
 * A page in a browser of its own, closed when the test ends: the contexts of a single-process
 * Chromium share localStorage, and the session journey runs beside another.
 */
async function newPage(test: TestContext, width = 1200, timezoneId?: string): Promise<Page> {
  const browser = await playwright.launch({
    executablePath: await chromium.executablePath(),
    args: chromium.args,
    headless: true,
  });
  test.onTestFinished(() => browser.close().catch(() => {}));
  const context: BrowserContext = await browser.newContext({
    viewport: { width, height: 860 },
    locale: "zh-CN",
    acceptDownloads: true,
    ...(timezoneId ? { timezoneId } : {}),
  });
  return context.newPage();
}

/** A screenshot for people to look at; a slow one (single-process Chromium) fails no journey. */
/**
 * Screenshots of the console for people to look at, taken when E2E_SCREENSHOTS=1: this
 * software-rendered Chromium can take over 15 s a picture on a busy machine.
 */
async function shot(page: Page, name: string, fullPage = true) {
  if (process.env.E2E_SCREENSHOTS !== "1") return;
  await page
    .screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage, timeout: 15_000 })
    .catch((error) => console.warn(`screenshot ${name}: ${error}`));
}

/** The same view in English too (this Chromium has no CJK fonts, so these read in a screenshot). */
async function shots(page: Page, name: string, fullPage = true) {
  if (process.env.E2E_SCREENSHOTS !== "1") return;
  await shot(page, name, fullPage);
  await page.click("#lang");
  await page.waitForTimeout(300);
  await shot(page, `${name}-en`, fullPage);
  await page.click("#lang");
}

async function signIn(page: Page, user: { email: string; password: string }, path = "/console/") {
  // The contexts of @sparticuz/chromium (one process) may share localStorage: start signed out.
  await page.goto(`${server.base}/console/sign-in`);
  await page.evaluate('localStorage.removeItem("gi-console-session")');
  await page.goto(`${server.base}${path}`);
  await page.fill("#email input", user.email);
  await page.fill("#password input", user.password);
  await page.click("#login-btn");
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startServer(ADMIN, { ACCESS_TOKEN_TTL_SECONDS: String(TTL_SECONDS) });

  call = caller(server.base);
  const shengsi = await registerProducer(call, ADMIN, {
    ...SHENGSI_MUSSEL,
    sites: [
      ...SHENGSI_MUSSEL.sites,
      // A warehouse in Jinan, far outside the GI's protected area: batches made there are refused.
      { name: "济南中转仓", kind: "warehouse", lat: 36.67, lng: 117.0, region_code: "370102" },
    ],
    regulatorRegions: ["330922"],
  });
  orgId = shengsi.organizationId;
  giId = shengsi.productIds[0] as string;
  producer = shengsi.producer;
  regulator = shengsi.regulator as Credentials;
  const batch = await releasedBatch(call, shengsi.producerToken, {
    authorizationId: shengsi.authorizationIds[0] as string,
    siteId: shengsi.siteIds[0] as string,
    lotCode: "SSYB-CONSOLE-1",
    labels: 5,
  });
  code = batch.labels[0]?.code as string;

  // A copied code: scanned in Shengsi, then minutes later by other phones in Zhengzhou and
  // Jinan. Several rules fire on the one label: one case.
  const places = [
    { lat: 30.72, lng: 122.45 },
    { lat: 34.75, lng: 113.62 },
    { lat: 36.67, lng: 117.0 },
    { lat: 30.72, lng: 122.45 },
  ];
  for (const [i, place] of places.entries()) {
    await call("POST", "/v1/scans", { code, client_id: `console-e2e-${i}-abcdef`, ...place });
  }
  const alerts = await call("GET", `/v1/alerts?subject_id=${code}`, undefined, shengsi.adminToken);
  expect(alerts.items.length).toBeGreaterThan(0);
  alertId = alerts.items[0].id;
}, 180_000);

afterAll(async () => {
  await server?.stop();
}, 30_000);

describe("the console in a real browser", () => {
  // These two run side by side: the session journey mostly waits for its first token to expire.
  it.concurrent("a regulator goes from the dashboard to a confirmed case that voids the label; the verify page then says counterfeit", async (test) => {
    const { expect } = test;
    const page = await newPage(test);
    await signIn(page, regulator);
    await page.locator("#dashboard").waitFor({ timeout: 20_000 });
    await expect
      .poll(() => page.locator("#kpi-scans").innerText(), { timeout: 15_000 })
      .not.toBe("0");
    // The map of China: province outlines and the scans' prefectures, drawn as SVG by ECharts.
    await expect
      .poll(() => page.locator("#scan-map path").count(), { timeout: 15_000 })
      .toBeGreaterThan(30);
    await page.locator("#chart-per-day svg").waitFor();
    await shot(page, "console-01-regulator-dashboard", false);

    await page.click("#kpi-open");
    const rows = page.locator(`#case-list .case-row[data-subject="${code}"]`);
    await rows.first().waitFor({ timeout: 15_000 });
    expect(await rows.count()).toBe(1); // one case, however many rules fired
    const ruleTags = await rows.locator(".rule-tag").allInnerTexts();
    expect(ruleTags.length).toBeGreaterThan(0);
    for (const tag of ruleTags) expect(tag).not.toMatch(/_/); // words, not identifiers
    expect(await page.locator("#case-list").innerText()).not.toMatch(/\d{4}-\d\d-\d\dT/);
    await shot(page, "console-02-regulator-cases");

    await page.locator(`#case-list .case-row[data-subject="${code}"] a`).click();
    const detail = page.locator("#case-detail");
    await detail.waitFor({ timeout: 15_000 });
    await expect
      .poll(() => page.locator("#case-product").innerText(), { timeout: 15_000 })
      .toContain("嵊泗贻贝");
    await expect
      .poll(() => page.locator("#case-producer").innerText())
      .toContain("嵊泗县贻贝专业合作社");
    await expect.poll(() => page.locator("#scan-timeline li").count()).toBeGreaterThan(2);
    await page.locator('[data-move="confirmed"]').click();
    await page.locator("#case-submit").waitFor();
    expect(await page.locator("#case-submit").isDisabled()).toBe(true); // a note is required
    await page.fill("#case-note textarea", "现场核查确认为假冒包装");
    await page.locator('[data-action="void_labels"]').click();
    await page.click("#case-submit");
    await page.locator('#case-detail[data-status="confirmed"]').waitFor({ timeout: 20_000 });
    await expect.poll(() => page.locator("#case-notice").innerText()).toMatch(/作废 1 个标签/);
    await expect
      .poll(() => page.locator("#case-history").innerText(), { timeout: 15_000 })
      .toContain("现场核查确认为假冒包装");
    await shots(page, "console-03-regulator-case-confirmed", false);

    await page.goto("about:blank"); // the case page's map is heavy for this software-rendered Chromium
    const consumer = await newPage(test, 360);
    // The verify page scans on load and shows the verdict with no tap.
    await consumer.goto(`${server.base}/v/${code}`);
    await expect
      .poll(() => consumer.locator("#verdict").getAttribute("data-verdict"), { timeout: 30_000 })
      .toBe("counterfeit");
    await shot(consumer, "console-04-consumer-counterfeit");
  }, 150_000);

  it.concurrent("keeps a session alive across access-token expiry, and sends a revoked session to sign-in", async (test) => {
    const { expect } = test;
    const page = await newPage(test);
    let refreshes = 0;
    page.on("response", (r) => {
      if (r.url().endsWith("/v1/auth/refresh") && r.status() === 200) refreshes += 1;
    });
    await signIn(page, regulator);
    await page.locator("#dashboard").waitFor({ timeout: 20_000 });
    const stored = () =>
      page.evaluate(() => JSON.parse(localStorage.getItem("gi-console-session") ?? "null"));
    const first = await stored();

    await page.waitForTimeout((TTL_SECONDS + CLOCK_TOLERANCE_SECONDS + 3) * 1000);
    const expired = await fetch(`${server.base}/v1/me`, {
      headers: { authorization: `Bearer ${first.access}` },
    });
    expect(expired.status).toBe(401); // the first token is dead …
    await page.click('nav a[href="/console/cases"]');
    await page.locator(`#case-list .case-row[data-subject="${code}"]`).waitFor({ timeout: 15_000 });
    expect(new URL(page.url()).pathname).toBe("/console/cases"); // … and the user still works
    expect(refreshes).toBeGreaterThan(3);

    // Someone else spends the current refresh token: the console's next renewal presents a
    // spent token, the server revokes the family, and the console says so at sign-in.
    const current = await stored();
    await call("POST", "/v1/auth/refresh", { refresh_token: current.refresh });
    await page.locator("#session-ended").waitFor({ timeout: 20_000 });
    expect(await page.locator("#session-ended").innerText()).toContain("重新登录");
    expect(new URL(page.url()).pathname).toBe("/console/sign-in");
    await shot(page, "console-09-session-revoked");
  }, 120_000);

  it("a deep link to a case opens the case (the worker answers the console for /console/*)", async (test) => {
    const res = await fetch(`${server.base}/console/cases/${alertId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    const page = await newPage(test);
    await signIn(page, regulator, `/console/cases/${alertId}`);
    await page.locator(`#case-detail[data-subject="${code}"]`).waitFor({ timeout: 20_000 });
    expect(new URL(page.url()).pathname).toBe(`/console/cases/${alertId}`);

    // The queue's filter lives in the URL, so a shared link shows the same list.
    await page.goto(`${server.base}/console/cases?status=all&severity=critical`);
    await expect
      .poll(() => page.locator("#filter-severity input").inputValue(), { timeout: 15_000 })
      .toBe("严重");
  });

  it("a producer on a 390 px phone creates a batch, records a catch, releases it, issues labels and prints them", async (test) => {
    // A cooperative's laptop set to another zone still records Beijing times.
    const page = await newPage(test, 390, "America/New_York");
    await signIn(page, producer);
    await page.locator("#batches").waitFor({ timeout: 20_000 });
    await page.click("#new-batch");
    await page.locator("#batch-form").waitFor();
    await expect
      .poll(() => page.locator("#batch-site input").inputValue(), { timeout: 15_000 })
      .not.toBe("");

    // An API error is shown next to its field, not as JSON.
    await page.fill("#batch-lot input", "bad lot code!");
    await page.fill("#batch-produced-at", "2026-11-02T06:30");
    await page.click("#batch-submit");
    await page.locator("#batch-form .t-is-error").first().waitFor({ timeout: 15_000 });
    expect(await page.locator("#batch-form").innerText()).not.toContain('{"');

    await page.click("#batch-site");
    await page.locator(".t-select-option", { hasText: "嵊泗养殖基地" }).click();
    await page.fill("#batch-lot input", "SSYB-CONSOLE-2");
    await page.fill("#batch-quantity input", "120");
    await page.click("#batch-submit");
    await page.locator('#batch-detail[data-status="draft"]').waitFor({ timeout: 15_000 });
    // Times are picked in Beijing time whatever the browser's zone: 06:30 there is 22:30 UTC.
    const batchId = page.url().split("/").pop();
    const producerToken = await tokenOf(call, producer);
    const created = await call("GET", `/v1/batches/${batchId}`, undefined, producerToken);
    expect(created.produced_at).toBe("2026-11-01T22:30:00.000Z");

    await page.fill("#event-place input", "嵊泗列岛养殖区");
    await page.fill("#event-occurred-at", "2026-11-02T05:00");
    await page.click("#event-submit");
    await page.locator('#events li[data-type="harvest"]').waitFor({ timeout: 15_000 });
    expect(await page.locator("#events").innerText()).toContain("采收");
    const events = await call("GET", `/v1/batches/${batchId}/events`, undefined, producerToken);
    expect(events.items.map((e: { occurred_at: string }) => e.occurred_at)).toContain(
      "2026-11-01T21:00:00.000Z",
    );

    await page.click("#release-btn");
    await page.locator('#batch-detail[data-status="released"]').waitFor({ timeout: 15_000 });
    await page.fill("#label-count input", "12");
    await page.click("#issue-btn");
    await page.locator("#notice", { hasText: "12" }).waitFor({ timeout: 15_000 });
    await page.locator("#label-total", { hasText: "12" }).waitFor({ timeout: 15_000 });

    // A roll template when the server lists templates; the default sheet otherwise.
    if (await page.locator("#print-template").isVisible()) {
      await page.click("#print-template");
      await page.locator('.t-select-option[data-kind="roll"]').first().click();
    }
    const pdf = page.waitForEvent("download");
    await page.click("#print-btn");
    const download = await pdf;
    expect(download.suggestedFilename()).toBe("labels-SSYB-CONSOLE-2.pdf");
    const path = await download.path();
    expect(readFileSync(path).subarray(0, 5).toString()).toBe("%PDF-");

    const width = await page.evaluate("document.documentElement.scrollWidth");
    expect(width).toBeLessThanOrEqual(390);
    await shots(page, "console-06-producer-batch-390px");
  }, 150_000);

  it("an admin suspends an organization and edits a GI product", async (test) => {
    const page = await newPage(test);
    await signIn(page, ADMIN);
    await page.locator("#dashboard").waitFor({ timeout: 20_000 });
    await page.goto(`${server.base}/console/registry/organizations`);
    const row = page.locator(`#org-list li[data-id="${orgId}"]`);
    await row.waitFor({ timeout: 15_000 });
    expect(await row.locator(".org-status").innerText()).toBe("正常");
    await row.locator(".suspend-btn").click();
    await page
      .locator(`#org-list li[data-id="${orgId}"][data-status="suspended"]`)
      .waitFor({ timeout: 15_000 });
    expect(await row.locator(".org-status").innerText()).toBe("已暂停");
    await shot(page, "console-07-admin-organization-suspended");
    const admin = await tokenOf(call, ADMIN);
    expect((await call("GET", `/v1/organizations/${orgId}`, undefined, admin)).status).toBe(
      "suspended",
    );

    // The suspension is in the audit log, found by its target and a Beijing start time that the
    // address keeps as an instant; a start after it finds nothing.
    await page.goto(`${server.base}/console/audit`);
    await page.fill("#audit-target input", orgId);
    await page.fill("#audit-since", "2000-01-01T08:00");
    await page.click("#audit-filter");
    await page.locator("#audit-list li", { hasText: orgId }).first().waitFor({ timeout: 15_000 });
    expect(new URL(page.url()).searchParams.get("since")).toBe("2000-01-01T00:00:00.000Z");
    await page.fill("#audit-since", "2099-01-01T08:00");
    await page.click("#audit-filter");
    await expect.poll(() => page.locator("#audit-list li").count(), { timeout: 15_000 }).toBe(0);

    await page.goto(`${server.base}/console/registry/gi-products`);
    const gi = page.locator(`#gi-list li[data-id="${giId}"]`);
    await gi.waitFor({ timeout: 15_000 });
    expect(await gi.innerText()).toContain("农产品地理标志");
    await gi.locator(".edit-btn").click();
    await page.locator("#gi-form").waitFor();
    await page.fill("#gi-name-en input", "Shengsi mussels");
    await page.click("#gi-save");
    await page
      .locator(`#gi-list li[data-id="${giId}"]`, { hasText: "Shengsi mussels" })
      .waitFor({ timeout: 15_000 });
    expect((await call("GET", `/v1/gi-products/${giId}`)).name_en).toBe("Shengsi mussels");
    await shot(page, "console-08-admin-gi-product-edited");
  });

  it("an admin creates a partner account that acts for one organization", async (test) => {
    const page = await newPage(test);
    await signIn(page, ADMIN);
    await page.locator("#dashboard").waitFor({ timeout: 20_000 });
    await page.goto(`${server.base}/console/registry/users`);
    await page.click("#new-user");
    await page.locator("#user-form").waitFor();
    const email = `carrier-${Date.now()}@shengsi.test`;
    await page.fill("#user-email input", email);
    await page.fill("#user-password input", "冷链承运-2026-partner");
    await page.fill("#user-name input", "嵊泗冷链承运");
    await page.click("#user-role");
    await page.locator(".t-select-option", { hasText: "合作伙伴" }).click();
    await page.click("#user-organization");
    await page.locator(".t-select-option", { hasText: "嵊泗县贻贝专业合作社" }).first().click();
    await page.click("#user-save");
    await page.locator("#user-list li", { hasText: email }).waitFor({ timeout: 15_000 });
    const admin = await tokenOf(call, ADMIN);
    const users = await call("GET", "/v1/users?limit=200", undefined, admin);
    const partner = users.items.find((u: { email: string }) => u.email === email);
    expect(partner).toMatchObject({ role: "partner", organization_id: orgId });
  });

  it("an admin authorizes an organization found by searching the registry, not from a first page of options", async (test) => {
    const admin = await tokenOf(call, ADMIN);
    const org = await call(
      "POST",
      "/v1/organizations",
      {
        name: "岱山县海鲜加工合作社",
        uscc: makeUscc("330921"),
        kind: "cooperative",
        region_code: "330921",
      },
      admin,
    );
    const page = await newPage(test);
    await signIn(page, ADMIN);
    await page.locator("#dashboard").waitFor({ timeout: 20_000 });
    await page.goto(`${server.base}/console/registry/authorizations`);
    await page.click("#new-authorization");
    await page.locator("#authorization-form").waitFor();
    const searched = page.waitForRequest((r) => /\/v1\/organizations\?.*q=/.test(r.url()));
    await page.click("#authorization-organization");
    await page.fill("#authorization-organization input", "岱山县海鲜");
    await searched;
    await page.locator(".t-select-option", { hasText: "岱山县海鲜加工合作社" }).click();
    await page.click("#authorization-product");
    await page.fill("#authorization-product input", "嵊泗贻贝");
    await page.locator(".t-select-option", { hasText: "嵊泗贻贝" }).first().click();
    await page.fill("#authorization-from", "2027-01-01");
    await page.fill("#authorization-until", "2029-12-31");
    await page.click("#authorization-save");
    // The new row names its organization and product, read by id.
    const row = page.locator("#authorization-list li", { hasText: "岱山县海鲜加工合作社" });
    await row.waitFor({ timeout: 15_000 });
    expect(await row.innerText()).toContain("嵊泗贻贝");
    const held = await call("GET", `/v1/authorizations?limit=200`, undefined, admin);
    expect(
      held.items.filter((a: { organization_id: string }) => a.organization_id === org.id),
    ).toMatchObject([{ gi_product_id: giId, valid_from: "2027-01-01", valid_until: "2029-12-31" }]);
  });

  it("an admin changes a risk threshold; an out-of-range one is refused and changes nothing", async (test) => {
    const admin = await tokenOf(call, ADMIN);
    const before = await call("GET", "/v1/risk-settings", undefined, admin);
    const page = await newPage(test);
    await signIn(page, ADMIN);
    await page.locator("#dashboard").waitFor({ timeout: 20_000 });
    await page.goto(`${server.base}/console/risk-settings`);
    const maxClients = page.locator('[data-rule="many_clients"] [data-param="max_clients"] input');
    await maxClients.waitFor({ timeout: 15_000 });

    await maxClients.fill("99");
    await page.click("#risk-save");
    await page
      .locator('#risk-form .problem[data-code="validation_failed"]')
      .waitFor({ timeout: 15_000 });
    expect(await page.locator("#risk-form").innerText()).toContain("many_clients.max_clients");
    expect(await call("GET", "/v1/risk-settings", undefined, admin)).toEqual(before);

    const next = before.many_clients.max_clients === 5 ? 6 : 5;
    await maxClients.fill(String(next));
    await page.click("#risk-save");
    await page.locator("#risk-saved").waitFor({ timeout: 15_000 });
    const after = await call("GET", "/v1/risk-settings", undefined, admin);
    expect(after.many_clients.max_clients).toBe(next);
    await call("PUT", "/v1/risk-settings", before, admin);
  });

  it("an admin checks an organization CSV, sees each invalid row with its reasons and nothing imported, then imports the valid file", async (test) => {
    const page = await newPage(test);
    await signIn(page, ADMIN);
    await page.locator("#dashboard").waitFor({ timeout: 20_000 });
    await page.goto(`${server.base}/console/registry/import`);
    const csv = [
      "name,uscc,kind,region_code",
      `东极渔业合作社,${makeUscc()},cooperative,330903`,
      "无码合作社,not-a-uscc,cooperative,330903",
    ].join("\n");
    await page.setInputFiles("#import-file", {
      name: "organizations.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(csv),
    });
    await page.click("#import-check");
    const invalid = page.locator('#import-rows li[data-status="invalid"]');
    await invalid.waitFor({ timeout: 15_000 });
    expect(await page.locator("#import-rows li").count()).toBe(2);
    expect(await invalid.innerText()).toContain("uscc");
    expect(await page.locator("#import-run").isDisabled()).toBe(true);
    const admin = await tokenOf(call, ADMIN);
    const found = await call("GET", "/v1/organizations?q=东极渔业", undefined, admin);
    expect(found.items).toEqual([]);

    // The valid row alone: checked, then imported.
    await page.setInputFiles("#import-file", {
      name: "organizations.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(csv.split("\n").slice(0, 2).join("\n")),
    });
    await page.click("#import-check");
    await page.locator('#import-rows li[data-status="created"]').waitFor({ timeout: 15_000 });
    await page.click("#import-run");
    await expect
      .poll(
        async () => (await call("GET", "/v1/organizations?q=东极渔业", undefined, admin)).items,
        {
          timeout: 15_000,
        },
      )
      .toHaveLength(1);
  });

  it("signs out by revoking the refresh token", async (test) => {
    const page = await newPage(test);
    await signIn(page, producer);
    await page.locator("#batches").waitFor({ timeout: 20_000 });
    const refresh = await page.evaluate(
      () => JSON.parse(localStorage.getItem("gi-console-session") ?? "null").refresh,
    );
    await page.click("#sign-out");
    await page.locator("#session-ended").waitFor();
    const res = await fetch(`${server.base}/v1/auth/refresh`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ refresh_token: refresh }),
    });
    expect(res.status).toBe(401);
  });
});

import { beforeEach, describe, expect, it } from "vitest";
import { methods, renderPage, setConfig, text } from "./helpers/pages";
import { type Answer, createWx, flush, installWx, type RequestCall } from "./helpers/wx-mock";

const API = "https://api.test";
const CODE = "1ABCDEFGHJKMNPQRSTVWX";
const LABEL_URL = `HTTPS://LABELS.TEST/V/${CODE}`;

const genuine = {
  verdict: "genuine",
  reasons: [],
  message: "正品：该码为已登记的地理标志产品",
  scan_count: 3,
  first_scan: {
    at: "2026-11-20T02:30:00Z",
    region_code: "330903",
    region_name: "浙江省舟山市普陀区",
  },
  product: {
    id: "gi_1",
    name_zh: "舟山带鱼",
    name_en: "Zhoushan hairtail",
    category: "seafood",
    protection_type: "certification_mark",
    registration_no: "DEMO-1234",
    holder_name: "舟山市水产流通与加工行业协会",
    protected_region_codes: ["330900"],
    quality_standard: null,
    eu_china_agreement: true,
    status: "active",
  },
  batch: {
    id: "bat_1",
    lot_code: "ZSDY-1",
    gtin: null,
    produced_at: "2026-11-19T22:00:00Z",
    quantity: 800,
    unit: "kg",
    status: "released",
  },
  producer: {
    name: "东海带鱼捕捞专业合作社",
    uscc: "93330903MA2A1B2C39",
    kind: "cooperative",
    region_code: "330903",
    region_name: "普陀区",
  },
  authorization: {
    number: "ZSDY-2026-0001",
    status: "active",
    valid_from: "2026-01-01",
    valid_until: "2027-12-31",
  },
  trace: [
    {
      type: "catch",
      cbv_business_step: "commissioning",
      occurred_at: "2026-11-19T22:00:00Z",
      place_name: "东海舟山渔场",
      lat: null,
      lng: null,
      data: null,
    },
    {
      type: "landing",
      cbv_business_step: "arriving",
      occurred_at: "2026-11-20T01:00:00Z",
      place_name: "沈家门港",
      lat: null,
      lng: null,
      data: null,
    },
  ],
  scan_id: "scn_1",
  location_token: "loc-token-1",
};

let answers: Record<string, Answer>;
let mock: ReturnType<typeof createWx>;

function route(call: RequestCall): Answer {
  const key = `${call.method} ${call.url.replace(API, "").split("?")[0]}`;
  return answers[key] ?? { statusCode: 404, data: { detail: `no route ${key}` } };
}

beforeEach(() => {
  answers = {
    "POST /v1/scans": { statusCode: 200, data: genuine },
    "POST /v1/scans/scn_1/location": { statusCode: 200, data: { ok: true } },
    "POST /v1/auth/wechat": {
      statusCode: 200,
      data: {
        access_token: "at-1",
        refresh_token: "rt-1",
        token_type: "Bearer",
        expires_in: 900,
        user: {},
      },
    },
    "POST /v1/me/subscriptions": { statusCode: 201, data: { id: "sub_1", topic: "recall" } },
  };
  mock = createWx(route);
  installWx(mock.wx);
  setConfig({ apiBase: API, labelHosts: ["labels.test"], recallTemplateId: "TPL-RECALL" });
});

async function openVerdict(query: Record<string, string>) {
  const page = renderPage("pages/verdict/index");
  await methods(page).onLoad(query);
  await flush();
  return page;
}

describe("verdict page", () => {
  it("verifies the label from a plain-link QR launch and shows what the verify page shows", async () => {
    const page = await openVerdict({ q: encodeURIComponent(LABEL_URL), scancode_time: "1" });
    const scan = mock.requests.find((r) => r.url === `${API}/v1/scans`);
    expect(scan?.data).toMatchObject({ code: CODE });
    expect(scan?.header["Idempotency-Key"]).toMatch(/^mp-/);
    expect(page.querySelector("#verdict")?.dom?.getAttribute("data-verdict")).toBe("genuine");
    expect(text(page, "#verdict")).toContain("正品");
    expect(text(page, "#notice")).toBe(
      "该码已被查询 3 次，首次查询时间 2026-11-20 10:30，地点 浙江省舟山市普陀区，谨防假冒",
    );
    const product = text(page, "#product");
    expect(product).toContain("舟山带鱼");
    expect(product).toContain("地理标志证明商标");
    expect(product).toContain("海产品");
    expect(product).toContain("2026-11-20 06:00");
    const producer = text(page, "#producer");
    expect(producer).toContain("东海带鱼捕捞专业合作社（农民专业合作社）");
    expect(producer).toContain("ZSDY-2026-0001");
    expect(producer).toContain("有效");
    const trace = text(page, "#trace");
    expect(trace).toContain("捕捞");
    expect(trace).toContain("靠港卸货");
    expect(trace).toContain("沈家门港");
    expect(page.querySelector("#location")).toBeTruthy();
  });

  it("switches every domain word to English from the same dictionary", async () => {
    const page = await openVerdict({ code: CODE });
    methods(page).switchLang();
    await flush();
    expect(text(page, "#verdict")).toContain("Genuine");
    expect(text(page, "#product")).toContain("GI certification mark");
    expect(text(page, "#product")).toContain("Zhoushan hairtail");
    expect(text(page, "#trace")).toContain("Landing");
    expect(mock.storage.get("gi-lang")).toBe("en");
  });

  it("names the reasons of a recall in words, never identifiers", async () => {
    answers["POST /v1/scans"] = {
      statusCode: 200,
      data: { ...genuine, verdict: "recalled", reasons: ["recalled_batch"], message: "已召回" },
    };
    const page = await openVerdict({ code: CODE });
    expect(page.querySelector("#verdict")?.dom?.getAttribute("data-verdict")).toBe("recalled");
    expect(text(page, "#reasons")).toBe("批次已召回");
  });

  it("shows an invalid code with help and no location prompt", async () => {
    answers["POST /v1/scans"] = {
      statusCode: 200,
      data: { verdict: "invalid", reasons: ["forged_code"], message: "不是已登记的防伪码" },
    };
    const page = await openVerdict({ code: CODE });
    expect(text(page, "#invalid-help")).toContain("不在地理标志产品登记系统中");
    expect(page.querySelector("#location")).toBeFalsy();
    expect(page.querySelector("#subscribe")).toBeFalsy();
  });

  it("sends a Digital Link as url and retries a lost answer with the same Idempotency-Key", async () => {
    let calls = 0;
    const base = route;
    mock = createWx((call) => {
      if (call.url.endsWith("/v1/scans") && calls++ === 0) throw new Error("timeout");
      return base(call);
    });
    installWx(mock.wx);
    const url = `https://labels.test/01/06901234567892/10/A1/21/${CODE}`;
    const page = await openVerdict({ q: encodeURIComponent(url) });
    const scans = mock.requests.filter((r) => r.url === `${API}/v1/scans`);
    expect(scans).toHaveLength(2);
    expect(scans[0]?.data).toMatchObject({ url });
    expect(scans[1]?.header["Idempotency-Key"]).toBe(scans[0]?.header["Idempotency-Key"]);
    expect(text(page, "#verdict")).toContain("正品");
  });

  it("sends a new Idempotency-Key for each new scan", async () => {
    await openVerdict({ code: CODE });
    await openVerdict({ code: CODE });
    const keys = mock.requests
      .filter((r) => r.url === `${API}/v1/scans`)
      .map((r) => r.header["Idempotency-Key"]);
    expect(new Set(keys).size).toBe(2);
  });

  it("adds the location to the same scan only after the tap, with the scan's token", async () => {
    const page = await openVerdict({ code: CODE });
    expect(mock.wx.getLocation).not.toHaveBeenCalled();
    await methods(page).shareLocation();
    await flush();
    const located = mock.requests.find((r) => r.url === `${API}/v1/scans/scn_1/location`);
    expect(located?.data).toEqual({ lat: 30.01, lng: 122.1, accuracy_m: 30, token: "loc-token-1" });
    expect(page.querySelector("#location")).toBeFalsy();
    expect(text(page, "#location-done")).toBe("已添加位置，谢谢。");
  });

  it("sends the location again while its scan is still queued (409 scan_pending)", async () => {
    let sent = 0;
    Object.defineProperty(answers, "POST /v1/scans/scn_1/location", {
      get: () =>
        sent++ === 0
          ? { statusCode: 409, data: { code: "scan_pending", detail: "not stored yet" } }
          : { statusCode: 200, data: { ok: true } },
    });
    const page = await openVerdict({ code: CODE });
    await methods(page).shareLocation();
    await flush();
    const located = mock.requests.filter((r) => r.url === `${API}/v1/scans/scn_1/location`);
    expect(located).toHaveLength(2);
    expect(text(page, "#location-done")).toBe("已添加位置，谢谢。");
  });

  it("keeps the verdict when the location is refused", async () => {
    mock.answers.getLocation = null;
    const page = await openVerdict({ code: CODE });
    await methods(page).shareLocation();
    await flush();
    expect(mock.requests.some((r) => r.url.includes("/location"))).toBe(false);
    expect(page.querySelector("#location")).toBeFalsy();
    expect(text(page, "#verdict")).toContain("正品");
  });

  it("records an accepted recall subscription with a fresh login code", async () => {
    const page = await openVerdict({ code: CODE });
    await methods(page).subscribe();
    await flush();
    expect(mock.wx.requestSubscribeMessage).toHaveBeenCalledWith(
      expect.objectContaining({ tmplIds: ["TPL-RECALL"] }),
    );
    const sub = mock.requests.find((r) => r.url === `${API}/v1/me/subscriptions`);
    expect(sub?.data).toMatchObject({ topic: "recall", template_id: "TPL-RECALL" });
    expect((sub?.data as { wechat_code?: string } | undefined)?.wechat_code).toMatch(/^wx-code-/);
    expect(sub?.header.authorization).toBe("Bearer at-1");
    expect(text(page, "#subscribe-state")).toBe("已订阅召回提醒");
  });

  it("records nothing when the subscription is rejected", async () => {
    mock.answers.subscribe = "reject";
    const page = await openVerdict({ code: CODE });
    await methods(page).subscribe();
    await flush();
    expect(mock.requests.some((r) => r.url.endsWith("/v1/me/subscriptions"))).toBe(false);
    expect(text(page, "#subscribe-state")).toBe("未订阅召回提醒");
  });

  it("sends anything that is not our label to the not-ours page, without a scan", async () => {
    await openVerdict({ q: encodeURIComponent("https://shop.example.com/item/1") });
    expect(mock.requests).toHaveLength(0);
    expect(mock.wx.redirectTo).toHaveBeenCalledWith({
      url: `/pages/not-ours/index?raw=${encodeURIComponent("https://shop.example.com/item/1")}`,
    });
  });

  it("shows the server's problem detail when the scan fails", async () => {
    answers["POST /v1/scans"] = {
      statusCode: 429,
      data: { detail: "Too many scans; try again in a minute." },
    };
    const page = await openVerdict({ code: CODE });
    expect(text(page, "#error")).toBe("出错了: Too many scans; try again in a minute.");
  });
});

import { beforeEach, describe, expect, it } from "vitest";
import { methods, renderPage, setConfig, text } from "./helpers/pages";
import { type Answer, createWx, flush, installWx, type RequestCall } from "./helpers/wx-mock";

const API = "https://api.test";
const CODE = "1ABCDEFGHJKMNPQRSTVWX";
let mock: ReturnType<typeof createWx>;
let answers: Record<string, Answer>;

beforeEach(() => {
  answers = {
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
  };
  mock = createWx((call: RequestCall) => {
    const key = `${call.method} ${call.url.replace(API, "").split("?")[0]}`;
    return answers[key] ?? { statusCode: 404, data: { detail: `no route ${key}` } };
  });
  installWx(mock.wx);
  setConfig({ apiBase: API, labelHosts: ["labels.test"] });
});

describe("home page", () => {
  it("scans QR codes only and opens the verdict of our label", async () => {
    mock.answers.scanCode = { result: `HTTPS://LABELS.TEST/V/${CODE}` };
    const page = renderPage("pages/index/index");
    methods(page).onShow();
    await methods(page).scan();
    expect(mock.wx.scanCode).toHaveBeenCalledWith(
      expect.objectContaining({ scanType: ["qrCode"] }),
    );
    expect(mock.wx.navigateTo).toHaveBeenCalledWith({ url: `/pages/verdict/index?code=${CODE}` });
  });

  it("opens the not-ours page for a foreign QR code", async () => {
    mock.answers.scanCode = { result: "WIFI:S:cafe;T:WPA;P:secret;;" };
    const page = renderPage("pages/index/index");
    await methods(page).scan();
    expect(mock.wx.navigateTo.mock.calls[0]?.[0].url).toMatch(/^\/pages\/not-ours\/index\?raw=/);
  });

  it("stays put when the scan is cancelled", async () => {
    mock.answers.scanCode = null;
    const page = renderPage("pages/index/index");
    await methods(page).scan();
    expect(mock.wx.navigateTo).not.toHaveBeenCalled();
  });

  it("lists the recent scans with the verdict in words", async () => {
    mock.storage.set("gi-recent-scans", [
      { code: CODE, verdict: "recalled", name: "舟山带鱼", at: "2026-11-30T16:05:00Z" },
    ]);
    const page = renderPage("pages/index/index");
    methods(page).onShow();
    await flush();
    const row = text(page, "#recent");
    expect(row).toContain("舟山带鱼");
    expect(row).toContain("已召回");
    expect(row).toContain("2026-12-01 00:05");
    expect(page.querySelector("#no-recent")).toBeFalsy();
  });

  it("says so when there are no scans yet", async () => {
    const page = renderPage("pages/index/index");
    methods(page).onShow();
    await flush();
    expect(text(page, "#no-recent")).toBe("还没有扫描记录");
  });
});

describe("not-ours page", () => {
  it("explains and shows what was read", async () => {
    const page = renderPage("pages/not-ours/index");
    methods(page).onLoad({ raw: encodeURIComponent("https://shop.example.com/x") });
    await flush();
    expect(text(page, "#title")).toBe("这不是地理标志防伪标签");
    expect(text(page, "#raw")).toBe("https://shop.example.com/x");
  });
});

describe("history page", () => {
  it("lists the consumer's own scans after signing in", async () => {
    answers["GET /v1/scans"] = {
      statusCode: 200,
      data: {
        items: [
          {
            id: "scn_1",
            scanned_at: "2026-11-30T02:00:00Z",
            label_code: CODE,
            batch_id: "bat_1",
            raw_input: null,
            verdict: "genuine",
            reasons: [],
            region_code: null,
            lat: null,
            lng: null,
            location_source: "none",
            user_agent_class: null,
          },
        ],
        next_cursor: null,
      },
    };
    const page = renderPage("pages/history/index");
    await methods(page).onLoad();
    await flush();
    const list = mock.requests.find((r) => r.url.startsWith(`${API}/v1/scans`));
    expect(list?.header.authorization).toBe("Bearer at-1");
    expect(text(page, "#history")).toContain(CODE);
    expect(text(page, "#history")).toContain("正品");
    expect(text(page, "#history")).toContain("2026-11-30 10:00");
  });

  it("says so when there are none", async () => {
    answers["GET /v1/scans"] = { statusCode: 200, data: { items: [], next_cursor: null } };
    const page = renderPage("pages/history/index");
    await methods(page).onLoad();
    await flush();
    expect(text(page, "#empty")).toBe("还没有扫描记录");
  });
});

describe("report page", () => {
  it("sends the report with the scanned code", async () => {
    answers["POST /v1/reports"] = { statusCode: 201, data: { id: "rep_1" } };
    const page = renderPage("pages/report/index");
    methods(page).onLoad({ code: CODE });
    methods(page).onInput({ detail: { value: "包装印刷模糊，价格明显偏低" } });
    await methods(page).send();
    await flush();
    const sent = mock.requests.find((r) => r.url === `${API}/v1/reports`);
    expect(sent?.data).toEqual({ code: CODE, description: "包装印刷模糊，价格明显偏低" });
    expect(text(page, "#done")).toBe("已收到您的举报，谢谢。");
  });

  it("asks for a description before sending", async () => {
    const page = renderPage("pages/report/index");
    methods(page).onLoad({});
    await methods(page).send();
    await flush();
    expect(mock.requests).toHaveLength(0);
    expect(text(page, "#error")).toBe("请至少写几个字说明问题");
  });
});

describe("notifications page", () => {
  it("shows the recorded recall notices", async () => {
    answers["GET /v1/me/notifications"] = {
      statusCode: 200,
      data: {
        items: [
          {
            id: "ntc_1",
            topic: "recall",
            batch_id: "bat_1",
            title: "召回通知：舟山带鱼",
            body: "批次 ZSDY-1 已召回：抽检不合格",
            created_at: "2026-11-30T02:00:00Z",
            delivery: "sent",
          },
        ],
        next_cursor: null,
      },
    };
    const page = renderPage("pages/notifications/index");
    await methods(page).onLoad();
    await flush();
    expect(text(page, "#notifications")).toContain("召回通知：舟山带鱼");
    expect(text(page, "#notifications")).toContain("批次 ZSDY-1 已召回：抽检不合格");
  });
});

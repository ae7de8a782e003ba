// The verdict: sent on load with no tap, shown like the verify page; then, each on a tap, the
// location for this scan and the recall subscription (WeChat requires a tap for both prompts).
import { config } from "../../config";
import { type LabelTarget, parseLaunchQuery } from "../../lib/launch";
import { rememberScan, scanRequest, sendLocation, sendScan } from "../../lib/scan";
import { subscribeToRecalls } from "../../lib/subscribe";
import { currentLang, type Lang, toggleLang, ui } from "../../lib/ui-words";
import { type VerdictView, verdictView } from "../../lib/verdict-view";
import type { ScanResult } from "../../shared/api";

type Found = Exclude<LabelTarget, { kind: "not_ours" }>;

let result: ScanResult | null = null;
let target: Found | null = null;

Component({
  data: {
    lang: "zh" as Lang,
    s: ui.zh as (typeof ui)[Lang],
    loading: true,
    error: "",
    view: null as VerdictView | null,
    askLocation: false,
    locationDone: "",
    offerSubscribe: false,
    subscribeState: "",
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const lang = currentLang();
      this.setData({ lang, s: ui[lang] });
      const parsed = parseLaunchQuery(query, config.labelHosts);
      if (parsed === null) {
        wx.reLaunch({ url: "/pages/index/index" });
        return Promise.resolve();
      }
      if (parsed.kind === "not_ours") {
        wx.redirectTo({ url: `/pages/not-ours/index?raw=${encodeURIComponent(parsed.raw)}` });
        return Promise.resolve();
      }
      target = parsed;
      return this.verify();
    },

    async verify() {
      if (!target) return;
      this.setData({ loading: true, error: "" });
      try {
        result = await sendScan(scanRequest(target), this.data.lang);
        const view = verdictView(result, this.data.lang);
        this.setData({
          loading: false,
          view,
          askLocation: !view.invalid && !!result.scan_id && !!result.location_token,
          offerSubscribe: !view.invalid && config.recallTemplateId !== "",
        });
        rememberScan({
          code: target.kind === "code" ? target.code : target.url,
          verdict: result.verdict,
          name: view.product?.name ?? view.title,
          at: new Date().toISOString(),
        });
      } catch (e) {
        this.setData({ loading: false, error: `${this.data.s.error}: ${(e as Error).message}` });
      }
    },

    switchLang() {
      const lang = toggleLang();
      this.setData({ lang, s: ui[lang], view: result ? verdictView(result, lang) : null });
    },

    shareLocation() {
      const scanned = result;
      if (!scanned) return Promise.resolve();
      return new Promise<void>((resolve) => {
        wx.getLocation({
          type: "wgs84",
          success: async (loc) => {
            try {
              await sendLocation(scanned, loc);
              this.setData({ askLocation: false, locationDone: this.data.s.locationAdded });
            } catch (e) {
              this.setData({
                askLocation: false,
                locationDone: `${this.data.s.error}: ${(e as Error).message}`,
              });
            }
            resolve();
          },
          // Refused here or in the system dialog: the verdict stands without a location.
          fail: () => {
            this.setData({ askLocation: false });
            resolve();
          },
        });
      });
    },

    skipLocation() {
      this.setData({ askLocation: false });
    },

    async subscribe() {
      const state = await subscribeToRecalls(config.recallTemplateId);
      const s = this.data.s;
      this.setData({
        offerSubscribe: state !== "accepted",
        subscribeState: state === "accepted" ? s.subscribed : s.subscribeRefused,
      });
    },

    report() {
      const code = target?.kind === "code" ? target.code : "";
      wx.navigateTo({ url: `/pages/report/index?code=${encodeURIComponent(code)}` });
    },
  },
});

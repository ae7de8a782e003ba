// Home: one large scan button, the scans remembered on this phone, links to history and notices.
import { type RecentScan, recentScans } from "../../lib/scan";
import { scanAndOpen } from "../../lib/scanner";
import { beijingTime, currentLang, type Lang, toggleLang, ui } from "../../lib/ui-words";
import { wordFor } from "../../shared/domain-words";

type RecentRow = { target: string; name: string; verdict: string; word: string; at: string };

function rows(list: RecentScan[], lang: Lang): RecentRow[] {
  return list.map((r) => ({
    target: r.code,
    name: r.name,
    verdict: r.verdict,
    word: wordFor("verdict", r.verdict, lang),
    at: beijingTime(r.at),
  }));
}

Component({
  data: { s: ui.zh as (typeof ui)[Lang], lang: "zh" as Lang, recent: [] as RecentRow[] },
  methods: {
    onShow() {
      const lang = currentLang();
      this.setData({ lang, s: ui[lang], recent: rows(recentScans(), lang) });
    },
    switchLang() {
      const lang = toggleLang();
      this.setData({ lang, s: ui[lang], recent: rows(recentScans(), lang) });
    },
    scan() {
      return scanAndOpen();
    },
    openRecent(e: WechatMiniprogram.TouchEvent) {
      const target = String(e.currentTarget.dataset.target ?? "");
      const key = /^https?:/i.test(target) ? "url" : "code";
      wx.navigateTo({ url: `/pages/verdict/index?${key}=${encodeURIComponent(target)}` });
    },
    openHistory() {
      wx.navigateTo({ url: "/pages/history/index" });
    },
    openNotifications() {
      wx.navigateTo({ url: "/pages/notifications/index" });
    },
  },
});

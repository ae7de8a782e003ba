// The signed-in consumer's own scans (GET /v1/scans), newest first, a page at a time.
import { authedRequest } from "../../lib/session";
import { beijingTime, currentLang, type Lang, ui } from "../../lib/ui-words";
import type { Scan } from "../../shared/api";
import { wordFor } from "../../shared/domain-words";

type Row = { id: string; code: string; verdict: string; word: string; at: string };

Component({
  data: {
    s: ui.zh as (typeof ui)[Lang],
    items: [] as Row[],
    cursor: null as string | null,
    loading: true,
    error: "",
  },
  methods: {
    onLoad() {
      this.setData({ s: ui[currentLang()] });
      return this.more();
    },
    onReachBottom() {
      return this.data.cursor ? this.more() : Promise.resolve();
    },
    async more() {
      const lang = currentLang();
      const cursor = this.data.cursor;
      try {
        const page = await authedRequest<{ items: Scan[]; next_cursor: string | null }>({
          method: "GET",
          path: `/v1/scans?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        });
        const rows = page.items.map((scan) => ({
          id: scan.id,
          code: scan.label_code ?? scan.raw_input ?? "",
          verdict: scan.verdict,
          word: wordFor("verdict", scan.verdict, lang),
          at: beijingTime(scan.scanned_at),
        }));
        this.setData({
          items: [...this.data.items, ...rows],
          cursor: page.next_cursor,
          loading: false,
        });
      } catch (e) {
        this.setData({ loading: false, error: `${this.data.s.error}: ${(e as Error).message}` });
      }
    },
  },
});

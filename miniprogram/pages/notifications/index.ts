// Recall notices the server recorded for this consumer (GET /v1/me/notifications).
import { authedRequest } from "../../lib/session";
import { beijingTime, currentLang, type Lang, ui } from "../../lib/ui-words";
import type { Notification } from "../../shared/api";

type Row = { id: string; title: string; body: string; at: string };

Component({
  data: { s: ui.zh as (typeof ui)[Lang], items: [] as Row[], loading: true, error: "" },
  methods: {
    async onLoad() {
      const lang = currentLang();
      this.setData({ s: ui[lang] });
      try {
        const page = await authedRequest<{ items: Notification[] }>({
          method: "GET",
          path: "/v1/me/notifications?limit=50",
          lang,
        });
        const items = page.items.map((n) => ({
          id: n.id,
          title: n.title,
          body: n.body,
          at: beijingTime(n.created_at),
        }));
        this.setData({ items, loading: false });
      } catch (e) {
        this.setData({ loading: false, error: `${this.data.s.error}: ${(e as Error).message}` });
      }
    },
  },
});

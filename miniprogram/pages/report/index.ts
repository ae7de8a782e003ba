// "Report a fake" (POST /v1/reports): text only, the code of the scan it came from if any.
import { apiRequest } from "../../lib/request";
import { currentToken } from "../../lib/session";
import { currentLang, type Lang, ui } from "../../lib/ui-words";

const MIN_LENGTH = 4;

Component({
  data: {
    s: ui.zh as (typeof ui)[Lang],
    code: "",
    description: "",
    sending: false,
    done: "",
    error: "",
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ s: ui[currentLang()], code: decodeURIComponent(query.code ?? "") });
    },
    onInput(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ description: e.detail.value });
    },
    async send() {
      const s = this.data.s;
      const description = this.data.description.trim();
      if (description.length < MIN_LENGTH) {
        this.setData({ error: s.reportTooShort });
        return;
      }
      this.setData({ sending: true, error: "" });
      try {
        await apiRequest({
          method: "POST",
          path: "/v1/reports",
          token: currentToken(),
          lang: currentLang(),
          body: { ...(this.data.code ? { code: this.data.code } : {}), description },
        });
        this.setData({ sending: false, done: s.reportThanks, description: "" });
      } catch (e) {
        this.setData({ sending: false, error: `${s.error}: ${(e as Error).message}` });
      }
    },
  },
});

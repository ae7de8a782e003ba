// A QR code or link that is not one of our labels: say so plainly, offer another scan.

import { scanAndOpen } from "../../lib/scanner";
import { currentLang, ui } from "../../lib/ui-words";

Component({
  data: { s: ui.zh as (typeof ui)[keyof typeof ui], raw: "" },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      let raw = query.raw ?? "";
      try {
        raw = decodeURIComponent(raw);
      } catch {}
      this.setData({ s: ui[currentLang()], raw: raw.slice(0, 200) });
    },
    scanAgain() {
      return scanAndOpen("redirect");
    },
  },
});

// The camera: wx.scanCode for QR codes only, then the verdict page or the "not ours" page.
import { config } from "../config";
import { parseLabelText } from "./launch";

export function pageFor(text: string): string {
  const target = parseLabelText(text, config.labelHosts);
  switch (target.kind) {
    case "code":
      return `/pages/verdict/index?code=${encodeURIComponent(target.code)}`;
    case "digital_link":
      return `/pages/verdict/index?url=${encodeURIComponent(target.url)}`;
    default:
      return `/pages/not-ours/index?raw=${encodeURIComponent(target.raw.slice(0, 200))}`;
  }
}

export function scanAndOpen(how: "navigate" | "redirect" = "navigate"): Promise<string | null> {
  return new Promise((resolve) => {
    wx.scanCode({
      onlyFromCamera: false,
      scanType: ["qrCode"],
      success: (res) => {
        const url = pageFor(res.result);
        if (how === "redirect") wx.redirectTo({ url });
        else wx.navigateTo({ url });
        resolve(url);
      },
      // Cancelled: stay where we are.
      fail: () => resolve(null),
    });
  });
}

// Deployment settings of the mini-program (see README, "The WeChat mini-program").
export const config = {
  /** The API origin; it must be a request 合法域名 in the WeChat admin console (HTTPS). */
  apiBase: "https://gi-trace.example.cn",
  /**
   * Hosts printed in label QR codes (PUBLIC_HOST). A scanned link on another host is not one of
   * our labels. The plain-link QR rule in the admin console uses the same host as its prefix.
   */
  labelHosts: ["gi-trace.example.cn"],
  /** The recall notice's subscribe-message template id (公众平台 → 订阅消息 → 我的模板). */
  recallTemplateId: "",
  /** How many scans the home page remembers on the phone. */
  recentScans: 20,
};

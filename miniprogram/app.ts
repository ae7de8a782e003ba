// Launch: sign in in the background (wx.login → POST /v1/auth/wechat). A plain-link QR launch
// opens pages/verdict/index with the label URL in `q`; that page reads it, nothing waits here.
import { ensureSession } from "./lib/session";

App({
  onLaunch() {
    void ensureSession();
  },
  onShow() {
    // Back from the background after the access token ran out: refresh before the next call.
    void ensureSession();
  },
});

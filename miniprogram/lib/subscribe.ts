// Recall notices: WeChat asks the user (one-time subscription, one notice per acceptance); an
// acceptance is recorded by the server with a fresh login code, from which it learns the openid
// to address the notice to (the server keeps only a sealed copy until the notice is sent).
import { authedRequest } from "./session";

export type SubscribeState = "accepted" | "rejected" | "failed";

function ask(templateId: string): Promise<SubscribeState> {
  return new Promise((resolve) => {
    wx.requestSubscribeMessage({
      tmplIds: [templateId],
      success: (res) =>
        resolve((res as Record<string, string>)[templateId] === "accept" ? "accepted" : "rejected"),
      fail: () => resolve("failed"),
    });
  });
}

function loginCode(): Promise<string> {
  return new Promise((resolve, reject) => {
    wx.login({ success: (r) => resolve(r.code), fail: (e) => reject(new Error(e.errMsg)) });
  });
}

/** Must run from a tap handler: WeChat shows the subscribe prompt only after a user gesture. */
export async function subscribeToRecalls(templateId: string): Promise<SubscribeState> {
  if (!templateId) return "failed";
  const answer = await ask(templateId);
  if (answer !== "accepted") return answer;
  try {
    await authedRequest({
      method: "POST",
      path: "/v1/me/subscriptions",
      body: { topic: "recall", template_id: templateId, wechat_code: await loginCode() },
    });
    return "accepted";
  } catch {
    return "failed";
  }
}

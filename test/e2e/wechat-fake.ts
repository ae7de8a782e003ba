// A local fake of the WeChat server API, answering as the official documentation says:
// jscode2session (GET, JSON labelled text/plain), getStableAccessToken (POST /cgi-bin/stable_token,
// normal and force_refresh modes) and subscribeMessage.send. Started by the tests on loopback.
import { createServer, type IncomingMessage, type Server } from "node:http";

export type FakeWechat = {
  base: string;
  appId: string;
  appSecret: string;
  /** Messages accepted by subscribeMessage.send. */
  sent: { touser: string; template_id: string; data: unknown; page?: string }[];
  /** Every errcode answered, in order, per API. */
  answers: { api: string; errcode: number }[];
  tokenRequests: { force_refresh: boolean }[];
  /** openids that refused the template (answer 43101). */
  refusing: Set<string>;
  /** Invalidates the current access token, as a force refresh by another server would. */
  invalidateToken(): void;
  stop(): Promise<void>;
};

const TOKEN_TTL_SECONDS = 7200;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}

/** js_code values the fake understands: `ok-<user>` signs in `<user>`; others name an error. */
const LOGIN_ERRORS: Record<string, [number, string]> = {
  "used-code": [40029, "invalid code, rid: 6928f1a0-1b2c3d4e-5f607182"],
  "rate-limited": [45011, "api minute-quota reach limit  mustslower  retry next minute"],
  "risky-user": [40226, "code blocked"],
  "busy-code": [-1, "system error"],
};

export async function startFakeWechat(): Promise<FakeWechat> {
  let token = "";
  let tokenSerial = 0;
  const fake: Omit<FakeWechat, "base" | "stop"> = {
    appId: "wx0123456789abcdef",
    appSecret: "fake-app-secret-0123456789abcdef",
    sent: [],
    answers: [],
    tokenRequests: [],
    refusing: new Set(),
    invalidateToken: () => {
      token = "";
    },
  };
  const answer = (api: string, body: Record<string, unknown>) => {
    fake.answers.push({ api, errcode: Number(body.errcode ?? 0) });
    return JSON.stringify(body);
  };
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    // WeChat answers JSON with content type text/plain on jscode2session.
    res.setHeader("content-type", "text/plain");
    if (req.method === "GET" && url.pathname === "/sns/jscode2session") {
      const q = url.searchParams;
      if (q.get("appid") !== fake.appId || q.get("secret") !== fake.appSecret) {
        res.end(answer("jscode2session", { errcode: 40013, errmsg: "invalid appid" }));
        return;
      }
      const code = q.get("js_code") ?? "";
      const error = LOGIN_ERRORS[code];
      if (error || q.get("grant_type") !== "authorization_code" || !code.startsWith("ok-")) {
        const [errcode, errmsg] = error ?? [40029, "invalid code"];
        res.end(answer("jscode2session", { errcode, errmsg }));
        return;
      }
      res.end(
        answer("jscode2session", {
          openid: `o-${code.slice(3)}`,
          session_key: "fake-session-key==",
        }),
      );
      return;
    }
    res.setHeader("content-type", "application/json; encoding=utf-8");
    if (req.method === "POST" && url.pathname === "/cgi-bin/stable_token") {
      const body = JSON.parse((await readBody(req)) || "{}");
      fake.tokenRequests.push({ force_refresh: body.force_refresh === true });
      if (body.grant_type !== "client_credential") {
        res.end(answer("stable_token", { errcode: 40002, errmsg: "invalid grant_type" }));
        return;
      }
      if (body.appid !== fake.appId || body.secret !== fake.appSecret) {
        res.end(answer("stable_token", { errcode: 40125, errmsg: "invalid appsecret" }));
        return;
      }
      // Normal mode hands out the same token while it lives; force_refresh replaces it.
      if (!token || body.force_refresh === true) {
        tokenSerial += 1;
        token = `fake-token-${tokenSerial}`;
      }
      res.end(answer("stable_token", { access_token: token, expires_in: TOKEN_TTL_SECONDS }));
      return;
    }
    if (req.method === "POST" && url.pathname === "/cgi-bin/message/subscribe/send") {
      const body = JSON.parse((await readBody(req)) || "{}");
      if (!token || url.searchParams.get("access_token") !== token) {
        res.end(
          answer("subscribe_send", {
            errcode: 40001,
            errmsg: "invalid credential, access_token is invalid or not latest",
          }),
        );
        return;
      }
      if (fake.refusing.has(body.touser)) {
        res.end(
          answer("subscribe_send", { errcode: 43101, errmsg: "user refuse to accept the msg" }),
        );
        return;
      }
      fake.sent.push(body);
      res.end(
        answer("subscribe_send", { errcode: 0, errmsg: "ok", msgid: 1000 + fake.sent.length }),
      );
      return;
    }
    res.statusCode = 404;
    res.end(JSON.stringify({ errcode: 404, errmsg: "not found" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    ...fake,
    base: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  } as FakeWechat;
}

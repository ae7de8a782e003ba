// A `wx` for the tests: storage in a Map, wx.request answered by a handler (or by fetch against
// a local server), and every other API a recorded call whose answer the test chooses.
import { vi } from "vitest";

export type RequestCall = {
  url: string;
  method: string;
  header: Record<string, string>;
  data: unknown;
};
export type Answer = { statusCode: number; data: unknown };
export type RequestHandler = (call: RequestCall) => Answer | Promise<Answer>;

type Callbacks = { success?: (res: unknown) => void; fail?: (err: { errMsg: string }) => void };

/**
 * `loginCode` makes wx.login answer one code every time: the server's mock jscode2session maps a
 * code to an openid, so only a repeated code is "the same WeChat user" there (WeChat's real
 * codes differ per call and map to one openid).
 */
export function createWx(handler: RequestHandler, options: { loginCode?: string } = {}) {
  const storage = new Map<string, unknown>();
  const requests: RequestCall[] = [];
  let loginCount = 0;
  const answers = {
    scanCode: { result: "" } as { result: string } | null,
    getLocation: { latitude: 30.01, longitude: 122.1, accuracy: 30 } as Record<
      string,
      number
    > | null,
    subscribe: "accept" as string | null,
  };
  const reply = (options: Callbacks, value: unknown | null, errMsg: string) => {
    queueMicrotask(() => {
      if (value === null) options.fail?.({ errMsg });
      else options.success?.(value);
    });
  };
  const wx = {
    getStorageSync: (key: string) => (storage.has(key) ? structuredClone(storage.get(key)) : ""),
    setStorageSync: (key: string, value: unknown) => storage.set(key, structuredClone(value)),
    removeStorageSync: (key: string) => storage.delete(key),
    request: vi.fn(
      (
        o: Callbacks & {
          url: string;
          method?: string;
          header?: Record<string, string>;
          data?: unknown;
        },
      ) => {
        const call = {
          url: o.url,
          method: o.method ?? "GET",
          header: o.header ?? {},
          data: typeof o.data === "string" ? JSON.parse(o.data) : o.data,
        };
        requests.push(call);
        new Promise<Answer>((resolve) => resolve(handler(call))).then(
          (answer) => o.success?.({ ...answer, header: {}, cookies: [] }),
          (e: Error) => o.fail?.({ errMsg: `request:fail ${e.message}` }),
        );
      },
    ),
    login: vi.fn((o: Callbacks) => {
      loginCount += 1;
      reply(
        o,
        { code: options.loginCode ?? `wx-code-${loginCount}`, errMsg: "login:ok" },
        "login:fail",
      );
    }),
    scanCode: vi.fn((o: Callbacks) => reply(o, answers.scanCode, "scanCode:fail cancel")),
    getLocation: vi.fn((o: Callbacks) =>
      reply(o, answers.getLocation, "getLocation:fail auth deny"),
    ),
    requestSubscribeMessage: vi.fn((o: Callbacks & { tmplIds: string[] }) =>
      reply(
        o,
        answers.subscribe === null
          ? null
          : Object.fromEntries([
              ...o.tmplIds.map((id) => [id, answers.subscribe]),
              ["errMsg", "requestSubscribeMessage:ok"],
            ]),
        "requestSubscribeMessage:fail",
      ),
    ),
    navigateTo: vi.fn(),
    redirectTo: vi.fn(),
    reLaunch: vi.fn(),
  };
  return { wx, storage, requests, answers };
}

/** A handler that sends each wx.request to a real HTTP server through fetch. */
export function viaFetch(): RequestHandler {
  return async (call) => {
    const res = await fetch(call.url, {
      method: call.method,
      headers: call.header,
      body: call.data === undefined ? undefined : JSON.stringify(call.data),
    });
    const text = await res.text();
    let data: unknown = text;
    try {
      data = JSON.parse(text);
    } catch {}
    return { statusCode: res.status, data };
  };
}

export function installWx(wx: unknown): void {
  (globalThis as { wx?: unknown }).wx = wx;
}

/** Lets pending promise callbacks and microtasks run. */
export const flush = () => new Promise((r) => setTimeout(r, 0));

// wx.request as a promise, JSON in and out, with the problem+json detail as the error message.
import { config } from "../config";
import type { Problem } from "../shared/api";

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }
}

export type RequestOptions = {
  method: "GET" | "POST";
  path: string;
  body?: unknown;
  token?: string | null;
  headers?: Record<string, string>;
  lang?: "zh" | "en";
};

export function apiRequest<T>(options: RequestOptions): Promise<T> {
  const header: Record<string, string> = {
    "content-type": "application/json",
    "accept-language": options.lang === "en" ? "en" : "zh-CN",
    ...options.headers,
  };
  if (options.token) header.authorization = `Bearer ${options.token}`;
  return new Promise((resolve, reject) => {
    wx.request({
      url: config.apiBase + options.path,
      method: options.method,
      header,
      data: options.body === undefined ? undefined : JSON.stringify(options.body),
      dataType: "json",
      timeout: 15_000,
      success: (res) => {
        if (res.statusCode >= 200 && res.statusCode < 300) resolve(res.data as T);
        else reject(new ApiRequestError(res.statusCode, (res.data ?? {}) as Problem));
      },
      fail: (err) => reject(new ApiRequestError(0, { detail: err.errMsg })),
    });
  });
}

/** A random key for a request that may be retried; the same key replays the first answer. */
export function newIdempotencyKey(): string {
  const bytes: string[] = [];
  for (let i = 0; i < 16; i++)
    bytes.push(
      Math.floor(Math.random() * 256)
        .toString(16)
        .padStart(2, "0"),
    );
  return `mp-${Date.now().toString(36)}-${bytes.join("")}`;
}

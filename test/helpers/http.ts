import { exports } from "cloudflare:workers";

export const BASE = "http://gi-trace.test";

export type CallOptions = {
  method?: string;
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
};

/** Calls the worker under test as a client would, in workerd with the test's D1. */
export function call(path: string, options: CallOptions = {}): Promise<Response> {
  const headers = new Headers(options.headers);
  if (options.token) headers.set("Authorization", `Bearer ${options.token}`);
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    if (typeof options.body === "string" || options.body instanceof ReadableStream) {
      body = options.body as BodyInit;
    } else {
      body = JSON.stringify(options.body);
      if (!headers.has("Content-Type")) headers.set("Content-Type", "application/json");
    }
  }
  return exports.default.fetch(`${BASE}${path}`, {
    method: options.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    body,
  });
}

export async function callJson<T = Record<string, unknown>>(
  path: string,
  options: CallOptions = {},
): Promise<{ status: number; headers: Headers; body: T }> {
  const response = await call(path, options);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? JSON.parse(text) : null) as T,
  };
}

export type ProblemBody = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: { path: string; message: string }[];
  request_id: string;
  [extra: string]: unknown;
};

/** Asserts the answer is RFC 9457 problem+json with the given status and code. */
export async function expectProblem(
  response: Response,
  status: number,
  code: string,
): Promise<ProblemBody> {
  const text = await response.text();
  if (response.status !== status) {
    throw new Error(`expected ${status} ${code}, got ${response.status}: ${text}`);
  }
  const contentType = response.headers.get("Content-Type") ?? "";
  if (!contentType.startsWith("application/problem+json")) {
    throw new Error(`expected application/problem+json, got ${contentType}: ${text}`);
  }
  const problem = JSON.parse(text) as ProblemBody;
  if (problem.code !== code) throw new Error(`expected code ${code}, got ${text}`);
  if (problem.status !== status) throw new Error(`status member ${problem.status} != ${status}`);
  if (!problem.request_id || problem.request_id !== response.headers.get("X-Request-Id")) {
    throw new Error(`request_id missing or not echoed: ${text}`);
  }
  if (/\bat\s+\S+:\d+:\d+/.test(text)) throw new Error(`stack trace leaked: ${text}`);
  return problem;
}

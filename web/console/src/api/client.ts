// The typed API client: openapi-fetch over the paths generated from /openapi.json, so that a
// renamed field fails the console's type check. Every call carries the access token and, on a
// 401, renews it once and retries. It also carries the latest D1 bookmark the server answered
// (X-D1-Bookmark), so that a read after a write sees that write on whichever replica serves it.
import createClient from "openapi-fetch";
import type { paths } from "../../../api/schema";
import { ApiFailure, type Problem } from "./problem";
import { renew, session } from "./session";

const BOOKMARK = "X-D1-Bookmark";
let bookmark: string | null = null;

/** Keeps the latest bookmark answered: D1 bookmarks sort from oldest to newest. */
function noteBookmark(response: Response): Response {
  const answered = response.headers.get(BOOKMARK);
  if (answered && (!bookmark || answered > bookmark)) bookmark = answered;
  return response;
}

function withToken(request: Request): Request {
  const next = new Request(request);
  const token = session.current?.access;
  if (token) next.headers.set("authorization", `Bearer ${token}`);
  if (bookmark) next.headers.set(BOOKMARK, bookmark);
  return next;
}

/** fetch with the session's token, renewing and retrying once after a 401. */
export async function authedFetch(input: Request | string, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  const retry = request.clone();
  const response = noteBookmark(await fetch(withToken(request)));
  if (response.status !== 401 || !session.current) return response;
  if (!(await renew())) return response;
  return noteBookmark(await fetch(withToken(retry)));
}

export const api = createClient<paths>({
  baseUrl: window.location.origin,
  fetch: (request) => authedFetch(request),
});

/** The data of an openapi-fetch answer, or an ApiFailure with the problem+json it carried. */
export async function must<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  throw new ApiFailure(response.status, (error ?? {}) as Partial<Problem>);
}

/** A raw GET (PDF, CSV) saved as a download with the file name given. */
export async function download(path: string, filename: string): Promise<void> {
  const response = await authedFetch(path);
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new ApiFailure(response.status, body as Partial<Problem>);
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

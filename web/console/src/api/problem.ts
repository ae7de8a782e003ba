// problem+json (RFC 9457) answers as the console shows them: a sentence for the form or action,
// and the message of each invalid field next to that field.
export type Problem = {
  status: number;
  title: string;
  detail?: string;
  code?: string;
  errors?: { path: string; message: string }[];
  request_id?: string;
  [extra: string]: unknown;
};

export class ApiFailure extends Error {
  readonly problem: Problem;
  constructor(status: number, body: Partial<Problem>) {
    super(body.detail ?? body.title ?? `HTTP ${status}`);
    this.problem = { ...body, status, title: body.title ?? `HTTP ${status}` };
  }
}

/** `body.uscc` → `uscc`; `body.codes.0` → `codes`; `query.limit` → `limit`. */
export function fieldOf(path: string): string {
  const [, field] = /^(?:body|query|params|path)\.([^.[]+)/.exec(path) ?? [];
  return field ?? path;
}

export function fieldErrors(problem: Problem | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { path, message } of problem?.errors ?? []) {
    const field = fieldOf(path);
    out[field] = out[field] ? `${out[field]}; ${message}` : message;
  }
  return out;
}

export function problemOf(error: unknown): Problem {
  if (error instanceof ApiFailure) return error.problem;
  return { status: 0, title: error instanceof Error ? error.message : String(error) };
}

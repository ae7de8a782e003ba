// The D1 a request talks to: one D1 session per binding and request (Sessions API: reads may be
// served by a replica, the session stays sequentially consistent and its bookmark lets the next
// request continue from it), counting the request's round trips and rows read for the
// Server-Timing header, and, outside production only, waiting a fixed delay before each round
// trip so that the bench can stand in for a distant database.

/** What a request cost in D1: round trips, and the rows D1 reported reading (meta.rows_read). */
export type D1Usage = { roundTrips: number; rowsRead: number };

export type RequestD1Options = {
  /** Where the session starts: the client's bookmark, or a constraint. */
  start: string;
  usage: D1Usage;
  /** Milliseconds to wait before each round trip (bench only; 0 in production). */
  delayMs: number;
};

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const rowsReadOf = (result: D1Result | undefined) => Number(result?.meta?.rows_read ?? 0);

class RequestStatement implements D1PreparedStatement {
  constructor(
    private readonly db: RequestD1,
    readonly inner: D1PreparedStatement,
  ) {}

  bind(...values: unknown[]): D1PreparedStatement {
    return new RequestStatement(this.db, this.inner.bind(...values));
  }

  // first() is all() plus the first row, so that its rows read are counted: D1 answers first()
  // without meta.
  first<T = unknown>(colName: string): Promise<T | null>;
  first<T = Record<string, unknown>>(): Promise<T | null>;
  async first<T>(colName?: string): Promise<T | null> {
    const result = await this.all<Record<string, unknown>>();
    const row = result.results[0];
    if (!row) return null;
    return (colName === undefined ? row : (row[colName] ?? null)) as T | null;
  }

  run<T = Record<string, unknown>>(): Promise<D1Result<T>> {
    return this.db.roundTrip(() => this.inner.run<T>());
  }

  all<T = Record<string, unknown>>(): Promise<D1Result<T>> {
    return this.db.roundTrip(() => this.inner.all<T>());
  }

  // D1 answers raw() without meta: its round trip counts, its rows read cannot.
  raw<T = unknown[]>(options: { columnNames: true }): Promise<[string[], ...T[]]>;
  raw<T = unknown[]>(options?: { columnNames?: false }): Promise<T[]>;
  raw<T = unknown[]>(options?: { columnNames?: boolean }): Promise<T[] | [string[], ...T[]]> {
    return this.db.roundTrip<T[] | [string[], ...T[]]>(() =>
      options?.columnNames
        ? this.inner.raw<T>({ columnNames: true })
        : this.inner.raw<T>({ columnNames: false }),
    );
  }
}

const innerOf = (statement: D1PreparedStatement) =>
  statement instanceof RequestStatement ? statement.inner : statement;

export class RequestD1 implements D1Database {
  #opened: D1DatabaseSession | D1Database | null = null;

  constructor(
    /** The binding underneath: what concurrent requests share (see groupBatch). */
    readonly binding: D1Database,
    private readonly options: RequestD1Options,
  ) {}

  /** The session, opened by the first statement: a request that never queries opens none. */
  get #session(): D1DatabaseSession | D1Database {
    this.#opened ??=
      typeof this.binding.withSession === "function"
        ? this.binding.withSession(this.options.start)
        : this.binding;
    return this.#opened;
  }

  /** The session's bookmark after what this request did (null if it did nothing in D1). */
  bookmark(): string | null {
    const session = this.#opened as Partial<D1DatabaseSession> | null;
    return session?.getBookmark?.() ?? null;
  }

  async roundTrip<R>(send: () => Promise<R>): Promise<R> {
    this.options.usage.roundTrips += 1;
    if (this.options.delayMs > 0) await pause(this.options.delayMs);
    const result = await send();
    for (const one of Array.isArray(result) ? result : [result]) {
      this.options.usage.rowsRead += rowsReadOf(one as D1Result);
    }
    return result;
  }

  prepare(query: string): D1PreparedStatement {
    return new RequestStatement(this, this.#session.prepare(query));
  }

  batch<T = unknown>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
    return this.roundTrip(() => this.#session.batch<T>(statements.map(innerOf)));
  }

  /** Counts a round trip that another request of this isolate sent for this one (groupBatch). */
  sharedRoundTrip(results: D1Result[]): void {
    this.options.usage.roundTrips += 1;
    for (const result of results) this.options.usage.rowsRead += rowsReadOf(result);
  }

  exec(query: string): Promise<D1ExecResult> {
    return this.roundTrip(() => this.binding.exec(query));
  }

  dump(): Promise<ArrayBuffer> {
    return (this.binding as D1Database & { dump(): Promise<ArrayBuffer> }).dump();
  }

  withSession(constraintOrBookmark?: string): D1DatabaseSession {
    return this.binding.withSession(constraintOrBookmark);
  }
}

/** The binding underneath a request's D1, or the D1 itself. */
export const bindingOf = (d1: D1Database): D1Database =>
  d1 instanceof RequestD1 ? d1.binding : d1;

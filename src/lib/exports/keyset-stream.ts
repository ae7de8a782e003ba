// Exports stream: one query per chunk, each continuing after the last row of the previous one
// on the index order (keyset), and the next chunk is read only when the client has taken the
// last. Memory holds one chunk whatever the size of the export.

export const EXPORT_CHUNK_ROWS = 1000;

export type KeysetExport<Row, Key> = {
  /** Up to `size` rows after `after` (from the start when undefined), in the export's order. */
  readChunk: (after: Key | undefined, size: number) => Promise<Row[]>;
  keyOf: (row: Row) => Key;
  /** The text of one chunk of rows. */
  render: (rows: Row[], first: boolean) => string;
  /** Written before the first chunk and after the last. */
  head?: string;
  tail?: string;
  chunkRows?: number;
};

export function keysetStream<Row, Key>(spec: KeysetExport<Row, Key>): ReadableStream<Uint8Array> {
  const size = spec.chunkRows ?? EXPORT_CHUNK_ROWS;
  const encoder = new TextEncoder();
  let after: Key | undefined;
  let first = true;
  let done = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (spec.head) controller.enqueue(encoder.encode(spec.head));
      },
      async pull(controller) {
        if (done) return;
        const rows = await spec.readChunk(after, size);
        const last = rows[rows.length - 1];
        if (last !== undefined) {
          const text = spec.render(rows, first);
          if (text) controller.enqueue(encoder.encode(text));
          after = spec.keyOf(last);
          first = false;
        }
        if (rows.length < size) {
          done = true;
          if (spec.tail) controller.enqueue(encoder.encode(spec.tail));
          controller.close();
        }
      },
    },
    { highWaterMark: 0 },
  );
}

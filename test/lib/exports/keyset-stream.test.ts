import { describe, expect, it } from "vitest";
import { keysetStream } from "../../../src/lib/exports/keyset-stream";

const numbers = Array.from({ length: 25 }, (_, i) => i + 1);

function exportOf(rows: number[], chunkRows: number) {
  const reads: (number | undefined)[] = [];
  const stream = keysetStream<number, number>({
    readChunk: async (after, size) => {
      reads.push(after);
      return rows.filter((n) => n > (after ?? 0)).slice(0, size);
    },
    keyOf: (n) => n,
    render: (chunk, first) => `${first ? "" : ","}${chunk.join(",")}`,
    head: "[",
    tail: "]",
    chunkRows,
  });
  return { stream, reads };
}

describe("keysetStream", () => {
  it("writes every row once, one read per chunk, each after the last key", async () => {
    const { stream, reads } = exportOf(numbers, 10);
    expect(JSON.parse(await new Response(stream).text())).toEqual(numbers);
    expect(reads).toEqual([undefined, 10, 20]);
  });

  it("reads one more (empty) chunk when the rows fill the last one exactly", async () => {
    const { stream, reads } = exportOf(numbers.slice(0, 20), 10);
    expect(JSON.parse(await new Response(stream).text())).toEqual(numbers.slice(0, 20));
    expect(reads).toEqual([undefined, 10, 20]);
  });

  it("writes head and tail around no rows", async () => {
    const { stream } = exportOf([], 10);
    expect(await new Response(stream).text()).toBe("[]");
  });

  it("reads the next chunk only when the reader asks for it", async () => {
    const { stream, reads } = exportOf(numbers, 5);
    const reader = stream.getReader();
    await reader.read(); // head
    await reader.read(); // first chunk
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(reads).toEqual([undefined]);
    await reader.cancel();
  });
});

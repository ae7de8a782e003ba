// Merging lists that are each sorted newest first on a keyset (time, then id), as the scans of
// several scan databases are: the first `size` of all of them together, in the same order.

export type TimeKey = { at: string; id: string };

/** Whether a sorts before b newest first: later time, then greater id. */
export const newerThan = (a: TimeKey, b: TimeKey) => a.at > b.at || (a.at === b.at && a.id > b.id);

export function newestFirst<Row>(
  lists: Row[][],
  size: number,
  keyOf: (row: Row) => TimeKey,
): Row[] {
  if (lists.length === 1) return (lists[0] ?? []).slice(0, size);
  const heads = lists.map(() => 0);
  const merged: Row[] = [];
  while (merged.length < size) {
    let best = -1;
    for (let i = 0; i < lists.length; i++) {
      const row = lists[i]?.[heads[i] ?? 0];
      if (row === undefined) continue;
      const bestRow = best < 0 ? undefined : lists[best]?.[heads[best] ?? 0];
      if (bestRow === undefined || newerThan(keyOf(row), keyOf(bestRow))) best = i;
    }
    if (best < 0) break;
    merged.push(lists[best]?.[heads[best] ?? 0] as Row);
    heads[best] = (heads[best] ?? 0) + 1;
  }
  return merged;
}

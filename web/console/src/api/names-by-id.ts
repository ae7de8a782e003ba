/** id → name of the rows of one registry page; none when the page cannot be read. */
export async function namesById<T extends { id: string }>(
  page: Promise<{ items: T[] }>,
  name: (row: T) => string,
): Promise<Record<string, string>> {
  const { items } = await page.catch(() => ({ items: [] as T[] }));
  return Object.fromEntries(items.map((row) => [row.id, name(row)]));
}

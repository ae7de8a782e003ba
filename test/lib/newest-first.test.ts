import { describe, expect, it } from "vitest";
import { newestFirst, type TimeKey } from "../../src/lib/newest-first";

const key = (row: TimeKey) => row;
const rows = (...keys: string[]) =>
  keys.map((k) => {
    const [at = "", id = ""] = k.split("/");
    return { at, id };
  });

describe("newestFirst", () => {
  it("merges lists sorted newest first into the first `size` of them all", () => {
    const a = rows("09/a", "07/a", "03/a");
    const b = rows("08/b", "07/b", "01/b");
    const c = rows();
    expect(newestFirst([a, b, c], 4, key)).toEqual(rows("09/a", "08/b", "07/b", "07/a"));
    expect(newestFirst([a, b, c], 10, key)).toEqual(
      rows("09/a", "08/b", "07/b", "07/a", "03/a", "01/b"),
    );
  });

  it("breaks a tie in time by the greater id, as the keyset does", () => {
    expect(newestFirst([rows("05/a"), rows("05/c"), rows("05/b")], 3, key)).toEqual(
      rows("05/c", "05/b", "05/a"),
    );
  });

  it("cuts a single list to size", () => {
    expect(newestFirst([rows("3/x", "2/x", "1/x")], 2, key)).toEqual(rows("3/x", "2/x"));
  });
});

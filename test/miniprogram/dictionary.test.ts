// The mini-program reads the same words as the verify page and the console: its generated copy of
// the dictionary must answer exactly what src/lib/i18n/domain-words.ts answers.
import { describe, expect, it } from "vitest";
import type * as View from "../../miniprogram/lib/verdict-view";
import * as source from "../../src/lib/i18n/domain-words";
import { mpModule } from "./helpers/build";

const copy = mpModule<typeof source>("shared/domain-words");
const { verdictView } = mpModule<typeof View>("lib/verdict-view");

describe("the mini-program's dictionary", () => {
  it("holds every word of the source dictionary", () => {
    expect(copy.domainWords).toEqual(source.domainWords);
  });

  it("answers wordFor like the source, CBV URIs and unknown ids included", () => {
    const cases: [source.WordKind, string][] = [
      ["verdict", "counterfeit"],
      ["traceStep", "https://ref.gs1.org/cbv/BizStep-retail_selling"],
      ["traceStep", "urn:epcglobal:cbv:bizstep:shipping"],
      ["category", "no_such_category"],
      ["rule", "constructor"],
    ];
    for (const [kind, id] of cases)
      for (const lang of ["zh", "en"] as const)
        expect(copy.wordFor(kind, id, lang)).toBe(source.wordFor(kind, id, lang));
  });

  it("gives the verdict page a word for every verdict and reason in both languages", () => {
    for (const verdict of Object.keys(source.domainWords.verdict)) {
      for (const lang of ["zh", "en"] as const) {
        const view = verdictView(
          { verdict: verdict as never, reasons: Object.keys(source.domainWords.rule), message: "" },
          lang,
        );
        expect(view.title).toBe(source.domainWords.verdict[verdict as "genuine"][lang]);
        expect(view.reasons).toEqual(Object.values(source.domainWords.rule).map((w) => w[lang]));
      }
    }
  });
});

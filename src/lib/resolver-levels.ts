// What each level of a Digital Link leads to in this registry: an item to its verify page, a
// lot to its EPCIS events and its authorization, a GTIN to its GI product's registry entry.
import { type DigitalLinkKey, digitalLinkUri } from "./digital-link";
import type { ResolverLevel } from "./resolver-links";

export type Language = "zh" | "en";

export type ResolvedProduct = { id: string; nameZh: string; nameEn: string | null };
export type ResolvedBatch = { id: string; lotCode: string; authorizationNumber: string };

const words = {
  zh: {
    verify: "真伪验证与产品追溯",
    registry: (name: string) => `${name} 地理标志产品登记信息`,
    events: (lot: string) => `批次 ${lot} 的 EPCIS 2.0 追溯事件`,
    authorization: (number: string) => `地理标志使用授权 ${number} 查询`,
    item: (name: string, lot: string) => `${name} 批次 ${lot} 单品`,
    lot: (name: string, lot: string) => `${name} 批次 ${lot}`,
  },
  en: {
    verify: "Authenticity check and product trace",
    registry: (name: string) => `${name}: GI registry entry`,
    events: (lot: string) => `EPCIS 2.0 events of lot ${lot}`,
    authorization: (number: string) => `GI mark use authorization ${number}`,
    item: (name: string, lot: string) => `${name}, an item of lot ${lot}`,
    lot: (name: string, lot: string) => `${name}, lot ${lot}`,
  },
} as const;

const productName = (product: ResolvedProduct, lang: Language) =>
  lang === "en" && product.nameEn ? product.nameEn : product.nameZh;

/** The levels of a resolved request, most granular first; each is only what is known. */
export function resolverLevels(input: {
  origin: string;
  key: DigitalLinkKey;
  lang: Language;
  product: ResolvedProduct;
  /** The batch of the lot (or of the item's label); undefined when only the GTIN is known. */
  batch?: ResolvedBatch;
  /** The label code of the item, when the request named a serial that resolved. */
  labelCode?: string;
}): ResolverLevel[] {
  const { origin, key, lang, product, batch, labelCode } = input;
  const w = words[lang];
  const name = productName(product, lang);
  const levels: ResolverLevel[] = [];
  if (labelCode !== undefined && batch) {
    const pip = {
      linkType: "pip" as const,
      href: `${origin}/v/${encodeURIComponent(labelCode)}`,
      title: w.verify,
      type: "text/html",
      hreflang: ["zh", "en"],
    };
    levels.push({
      anchor: digitalLinkUri(origin, key),
      itemDescription: w.item(name, batch.lotCode),
      links: [pip],
      defaultLink: pip,
    });
  }
  if (batch) {
    // An item named as /01/{gtin}/21/{serial} still belongs to a lot: its links are the item's.
    levels.push({
      anchor: digitalLinkUri(origin, { gtin14: key.gtin14, lot: batch.lotCode }),
      itemDescription: w.lot(name, batch.lotCode),
      links: [
        {
          linkType: "traceability",
          href: `${origin}/v1/batches/${encodeURIComponent(batch.id)}/epcis`,
          title: w.events(batch.lotCode),
          type: "application/ld+json",
        },
        {
          linkType: "certificationInfo",
          href: `${origin}/v1/public/authorizations?number=${encodeURIComponent(batch.authorizationNumber)}`,
          title: w.authorization(batch.authorizationNumber),
          type: "application/json",
        },
      ],
    });
  }
  const registry = {
    linkType: "pip" as const,
    href: `${origin}/v1/gi-products/${encodeURIComponent(product.id)}`,
    title: w.registry(name),
    type: "application/json",
    hreflang: ["zh", "en"],
  };
  levels.push({
    anchor: digitalLinkUri(origin, { gtin14: key.gtin14 }),
    itemDescription: name,
    links: [registry, { ...registry, linkType: "certificationInfo" }],
    defaultLink: registry,
  });
  return levels;
}

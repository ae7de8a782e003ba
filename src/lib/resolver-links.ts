// Links of a GS1-conformant resolver (GS1-Conformant Resolver Standard 1.0, RFC 9264 linksets,
// RFC 8288 Link headers): what each level of a Digital Link (item, lot, GTIN) leads to.

/** The GS1 Web Vocabulary namespace; link types are written as full URIs in linksets. */
export const GS1_VOC = "https://gs1.org/voc/";
const GS1_VOC_ALIASES = [
  "https://gs1.org/voc/",
  "https://ref.gs1.org/voc/",
  "https://www.gs1.org/voc/",
];

export const SUPPORTED_LINK_TYPES = ["pip", "traceability", "certificationInfo"] as const;
export type LinkTypeName = (typeof SUPPORTED_LINK_TYPES)[number];

export type ResolverLink = {
  linkType: LinkTypeName;
  href: string;
  title: string;
  type?: string;
  hreflang?: string[];
};

/** One level of the Digital Link tree (item, lot or GTIN) and the links it holds. */
export type ResolverLevel = {
  anchor: string;
  itemDescription: string;
  links: ResolverLink[];
  /** The default link of this level, when it has its own (a copy of one of `links`). */
  defaultLink?: ResolverLink;
};

export type LinkTypeRequest =
  | { kind: "none" }
  | { kind: "linkset" }
  | { kind: "type"; name: string }
  | { kind: "unknown"; value: string };

/** `?linkType=` as the standard spells it: linkset (all, deprecated), gs1:x or a full GS1 URI. */
export function parseLinkTypeParam(value: string | undefined): LinkTypeRequest {
  if (value === undefined || value === "") return { kind: "none" };
  if (value === "linkset" || value === "all") return { kind: "linkset" };
  if (value.startsWith("gs1:")) return { kind: "type", name: value.slice(4) };
  const alias = GS1_VOC_ALIASES.find((prefix) => value.startsWith(prefix));
  if (alias) return { kind: "type", name: value.slice(alias.length) };
  return { kind: "unknown", value };
}

/**
 * The links of one type for a request, from the most granular level that has any (a lot's
 * traceability link wins over nothing at the item); `defaultLink` is the first level's default.
 */
export function linksOfType(levels: readonly ResolverLevel[], name: string): ResolverLink[] {
  for (const level of levels) {
    if (name === "defaultLink") {
      if (level.defaultLink) return [level.defaultLink];
      continue;
    }
    const found = level.links.filter((link) => link.linkType === name);
    if (found.length > 0) return found;
  }
  return [];
}

export const defaultLinkOf = (levels: readonly ResolverLevel[]) =>
  linksOfType(levels, "defaultLink")[0];

function linkObject(link: ResolverLink) {
  return {
    href: link.href,
    title: link.title,
    ...(link.type ? { type: link.type } : {}),
    ...(link.hreflang ? { hreflang: link.hreflang } : {}),
  };
}

/** RFC 9264 linkset with one context object per level; the default link carries no attributes. */
export function toLinkset(levels: readonly ResolverLevel[]) {
  return {
    linkset: levels.map((level) => {
      const context: Record<string, unknown> = {
        anchor: level.anchor,
        itemDescription: level.itemDescription,
      };
      if (level.defaultLink) {
        context[`${GS1_VOC}defaultLink`] = [
          { href: level.defaultLink.href, title: level.defaultLink.title },
        ];
      }
      for (const link of level.links) {
        const rel = `${GS1_VOC}${link.linkType}`;
        const list = (context[rel] as unknown[] | undefined) ?? [];
        list.push(linkObject(link));
        context[rel] = list;
      }
      return context;
    }),
  };
}

const ASCII = /^[\x20-\x7e]*$/;

/** A Link header parameter; non-ASCII values use the RFC 8187 extended form (`title*`). */
function param(name: string, value: string): string {
  if (ASCII.test(value))
    return `${name}="${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
  return `${name}*=UTF-8''${encodeURIComponent(value)}`;
}

export type HeaderLink = {
  href: string;
  rel: string;
  title?: string;
  type?: string;
  hreflang?: string[];
};

export function formatLinkHeader(links: readonly HeaderLink[]): string {
  return links
    .map((link) =>
      [
        `<${link.href}>`,
        `rel="${link.rel}"`,
        ...(link.title ? [param("title", link.title)] : []),
        ...(link.type ? [`type="${link.type}"`] : []),
        ...(link.hreflang ?? []).map((lang) => `hreflang="${lang}"`),
      ].join("; "),
    )
    .join(", ");
}

/**
 * The Link header of a redirect: the linkset first (what the resolver standard asks for), then
 * every link of every level with its link type as a full URI (GS1 Digital Link §8).
 */
export function resolverLinkHeader(
  levels: readonly ResolverLevel[],
  linksetHref: string,
  canonical: string,
): string {
  const seen = new Set<string>();
  const links: HeaderLink[] = [
    { href: linksetHref, rel: "linkset", type: "application/linkset+json" },
    { href: canonical, rel: "owl:sameAs" },
  ];
  const def = defaultLinkOf(levels);
  if (def) links.push({ href: def.href, rel: `${GS1_VOC}defaultLink`, title: def.title });
  for (const level of levels) {
    for (const link of level.links) {
      const key = `${link.linkType} ${link.href}`;
      if (seen.has(key)) continue;
      seen.add(key);
      links.push({ ...link, rel: `${GS1_VOC}${link.linkType}` });
    }
  }
  return formatLinkHeader(links);
}

/** The query string of the request passed on to a redirect, without the resolver's own linkType. */
export function passOnQuery(target: string, search: URLSearchParams): string {
  const pass = new URLSearchParams(search);
  pass.delete("linkType");
  const query = pass.toString();
  if (query === "") return target;
  return `${target}${target.includes("?") ? "&" : "?"}${query}`;
}

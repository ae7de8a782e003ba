import type { Context } from "hono";
import linksetContext from "../../data/gs1/linkset-context.json";
import { readResolverKey } from "../../db/queries/resolver";
import { type DigitalLinkKey, digitalLinkUri, parseDigitalLinkPath } from "../../lib/digital-link";
import { ApiError, fieldError } from "../../lib/errors";
import { verifyLabelCode } from "../../lib/label-code";
import { labelKeys } from "../../lib/label-links";
import { type Language, resolverLevels } from "../../lib/resolver-levels";
import {
  defaultLinkOf,
  formatLinkHeader,
  GS1_VOC,
  linksOfType,
  parseLinkTypeParam,
  passOnQuery,
  type ResolverLevel,
  resolverLinkHeader,
  SUPPORTED_LINK_TYPES,
  toLinkset,
} from "../../lib/resolver-links";
import type { AppEnv, AppRouteHandler } from "../../types";
import type * as routes from "./resolver.routes";

export const CONTEXT_PATH = "/.well-known/linkset-context.jsonld";
const METHODS = "GET, HEAD, OPTIONS";

const originOf = (c: Context<AppEnv>) => new URL(c.req.url).origin;
const languageOf = (c: Context<AppEnv>): Language =>
  /^\s*en\b/i.test(c.req.header("Accept-Language") ?? "") ? "en" : "zh";

function parseKey(c: Context<AppEnv>): DigitalLinkKey {
  const parsed = parseDigitalLinkPath(c.req.path);
  if (!parsed.ok) {
    throw fieldError("path", parsed.reason, `Not a GS1 Digital Link URI: ${parsed.reason}`);
  }
  return parsed.key;
}

/** The levels of a known key; 404 for an unknown GTIN or a serial that is not of this GTIN and lot. */
async function resolve(c: Context<AppEnv>, key: DigitalLinkKey): Promise<ResolverLevel[]> {
  let code: string | undefined;
  if (key.serial !== undefined) {
    const verified = await verifyLabelCode(key.serial, labelKeys(c.env).keys);
    if (!verified.ok) throw new ApiError("not_found", "No item has this serial.");
    code = verified.code;
  }
  const found = await readResolverKey(c.env.DB, { gtin14: key.gtin14, lot: key.lot, code });
  const common = { origin: originOf(c), key, lang: languageOf(c) };
  if (code !== undefined) {
    const batch = found.label?.batch;
    if (
      !batch ||
      batch.gtin !== key.gtin14 ||
      (key.lot !== undefined && batch.lotCode !== key.lot)
    ) {
      throw new ApiError("not_found", "No item has this serial under this GTIN and lot.");
    }
    return resolverLevels({ ...common, product: productOf(batch), batch, labelCode: code });
  }
  // An unknown lot of a known GTIN walks up the tree to the GTIN.
  const batch = found.lotBatch ?? found.gtinBatch;
  if (!batch) throw new ApiError("not_found", `No product has GTIN ${key.gtin14}.`);
  return resolverLevels({ ...common, product: productOf(batch), batch: found.lotBatch });
}

const productOf = (batch: {
  productId: string;
  productNameZh: string;
  productNameEn: string | null;
}) => ({
  id: batch.productId,
  nameZh: batch.productNameZh,
  nameEn: batch.productNameEn,
});

function wantsLinkset(c: Context<AppEnv>): "linkset" | "jsonld" | null {
  const accept = c.req.header("Accept") ?? "";
  if (/application\/linkset\+json/i.test(accept)) return "linkset";
  if (/application\/ld\+json/i.test(accept)) return "jsonld";
  return null;
}

function linksetResponse(c: Context<AppEnv>, levels: ResolverLevel[], form: "linkset" | "jsonld") {
  const contextLink = formatLinkHeader([
    {
      href: `${originOf(c)}${CONTEXT_PATH}`,
      rel: "http://www.w3.org/ns/json-ld#context",
      type: "application/ld+json",
    },
  ]);
  const linkset = toLinkset(levels);
  const body =
    form === "jsonld" ? { "@context": `${originOf(c)}${CONTEXT_PATH}`, ...linkset } : linkset;
  return c.body(JSON.stringify(body), 200, {
    "Content-Type": form === "jsonld" ? "application/ld+json" : "application/linkset+json",
    Link: contextLink,
    Vary: "Accept, Accept-Language",
  });
}

/** GET and HEAD of /01/{gtin}[/10/{lot}][/21/{serial}]: a redirect, or the linkset. */
export async function resolveDigitalLink(c: Context<AppEnv>) {
  if (c.req.method === "OPTIONS") return options(c);
  if (c.req.method !== "GET" && c.req.method !== "HEAD") {
    throw new ApiError("method_not_allowed", `${c.req.method} is not allowed here.`, {
      headers: { Allow: METHODS },
    });
  }
  const key = parseKey(c);
  const requested = parseLinkTypeParam(c.req.query("linkType"));
  if (requested.kind === "unknown") {
    throw new ApiError("not_found", `Unknown link type ${requested.value}.`);
  }
  const levels = await resolve(c, key);
  const accepted = wantsLinkset(c);
  if (requested.kind === "linkset" || (requested.kind === "none" && accepted)) {
    return linksetResponse(c, levels, accepted ?? "linkset");
  }

  const target =
    requested.kind === "type" ? linksOfType(levels, requested.name)[0] : defaultLinkOf(levels);
  if (!target) {
    const name = requested.kind === "type" ? requested.name : "defaultLink";
    throw new ApiError("not_found", `No link of type ${GS1_VOC}${name} for this item.`, {
      extra: { supported_link_types: SUPPORTED_LINK_TYPES.map((t) => `gs1:${t}`) },
    });
  }
  const canonical = digitalLinkUri(originOf(c), key);
  c.header("Location", passOnQuery(target.href, new URL(c.req.url).searchParams));
  c.header("Link", resolverLinkHeader(levels, `${canonical}?linkType=linkset`, canonical));
  c.header("Vary", "Accept, Accept-Language");
  return c.body(null, 307);
}

function options(c: Context<AppEnv>) {
  const parsed = parseDigitalLinkPath(c.req.path);
  c.header("Allow", METHODS);
  if (parsed.ok) {
    const canonical = digitalLinkUri(originOf(c), parsed.key);
    c.header(
      "Link",
      formatLinkHeader([
        { href: `${canonical}?linkType=linkset`, rel: "linkset", type: "application/linkset+json" },
      ]),
    );
  }
  return c.body(null, 204);
}

/** CORS of the resolver: any origin, the three methods, and the headers a client must read. */
export async function resolverCors(c: Context<AppEnv>, next: () => Promise<void>) {
  await next();
  c.res.headers.set("Access-Control-Allow-Origin", "*");
  c.res.headers.set("Access-Control-Allow-Methods", METHODS);
  c.res.headers.set("Access-Control-Allow-Headers", "Accept, Accept-Language");
  c.res.headers.set("Access-Control-Expose-Headers", "Link, Location, Content-Type, X-Request-Id");
  c.res.headers.set("Access-Control-Max-Age", "600");
}

export const describeResolver: AppRouteHandler<typeof routes.describeResolver> = (c) =>
  c.json(
    {
      name: "gi-trace GS1 Digital Link resolver",
      resolverRoot: originOf(c),
      supportedPrimaryKeys: ["01"],
      supportedLinkType: [
        { namespace: GS1_VOC, prefix: "gs1:", profile: `${GS1_VOC}?show=linktypes` },
      ],
      linkTypeDefaultCanBeAll: false,
      supportsLanguageVariants: false,
      jsonLdContextLocation: `${originOf(c)}${CONTEXT_PATH}`,
    },
    200,
  );

export function linksetContextFile(c: Context<AppEnv>) {
  if (c.req.method !== "GET" && c.req.method !== "HEAD") {
    throw new ApiError("method_not_allowed", `${c.req.method} is not allowed here.`, {
      headers: { Allow: "GET, HEAD" },
    });
  }
  return c.body(JSON.stringify(linksetContext), 200, { "Content-Type": "application/ld+json" });
}

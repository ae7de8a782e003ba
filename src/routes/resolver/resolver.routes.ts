import { z } from "@hono/zod-openapi";
import { jsonContent } from "../../lib/openapi";
import { operationsOf } from "../../lib/route-specs";

const gs1 = operationsOf("gs1");

const ResolverDescription = z
  .object({
    name: z.string(),
    resolverRoot: z.string(),
    supportedPrimaryKeys: z.array(z.string()),
    supportedLinkType: z.array(
      z.object({ namespace: z.string(), prefix: z.string(), profile: z.string().optional() }),
    ),
    linkTypeDefaultCanBeAll: z.boolean(),
    supportsLanguageVariants: z.boolean(),
    jsonLdContextLocation: z.string(),
  })
  .openapi("ResolverDescription");

export const describeResolver = gs1.get("/.well-known/gs1resolver", "describeResolver", {
  access: "public",
  summary: "GS1 resolver description file (GS1-Conformant Resolver Standard §4)",
  responses: { 200: jsonContent(ResolverDescription, "What this resolver resolves and how") },
});

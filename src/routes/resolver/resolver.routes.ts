import { z } from "@hono/zod-openapi";
import { jsonContent } from "../../lib/openapi";
import { operation } from "../../lib/route-specs";

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

export const describeResolver = operation("get", "/.well-known/gs1resolver", {
  operationId: "describeResolver",
  tags: ["gs1"],
  access: "public",
  summary: "GS1 resolver description file (GS1-Conformant Resolver Standard §4)",
  responses: { 200: jsonContent(ResolverDescription, "What this resolver resolves and how") },
});

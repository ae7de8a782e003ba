// Organizations and GI products as options and names, read from the API as a page needs them:
// a registry holds thousands of cooperatives and GI products, more than one page of a list.
import { api, must } from "./client";

export type RegistryOption = { label: string; value: string };
export type RegistryKind = "organization" | "giProduct";

const PAGE = 20;

/** The first options whose name (or an organization's USCC) contains `text`. */
export async function searchRegistry(kind: RegistryKind, text: string): Promise<RegistryOption[]> {
  const q = text.trim().slice(0, 100) || undefined;
  if (kind === "organization") {
    const page = await must(
      api.GET("/v1/organizations", { params: { query: { limit: PAGE, q } } }),
    );
    return page.items.map((o) => ({ label: o.name, value: o.id }));
  }
  const page = await must(api.GET("/v1/gi-products", { params: { query: { limit: PAGE, q } } }));
  return page.items.map((p) => ({ label: p.name_zh, value: p.id }));
}

/** The name of one organization or GI product. */
export async function registryName(kind: RegistryKind, id: string): Promise<string> {
  const params = { params: { path: { id } } };
  return kind === "organization"
    ? (await must(api.GET("/v1/organizations/{id}", params))).name
    : (await must(api.GET("/v1/gi-products/{id}", params))).name_zh;
}

import { reactive } from "vue";
import { type RegistryKind, registryName } from "./registry-options";

/**
 * Names of organizations or GI products by id, read one by one as the rows on screen need them
 * and kept while the page is open. An id whose row cannot be read stays without a name (the page
 * shows the id).
 */
export function useRegistryNames(kind: RegistryKind) {
  const names = reactive<Record<string, string>>({});
  const asked = new Set<string>();
  function need(ids: Iterable<string | null | undefined>) {
    for (const id of ids) {
      if (!id || asked.has(id)) continue;
      asked.add(id);
      registryName(kind, id).then(
        (name) => {
          names[id] = name;
        },
        () => {},
      );
    }
  }
  return { names, need };
}

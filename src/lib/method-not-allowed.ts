type RouteEntry = { method: string; path: string };

const compiled = new Map<string, RegExp>();

const compile = (path: string) =>
  new RegExp(
    `^${path
      .replace(/[.+?^${}()|[\]\\]/g, "\\$&")
      .replace(/\/:[^/]+/g, "/[^/]+")
      .replace(/\/\*$/, "/.*")}/?$`,
  );

/**
 * Methods that would be accepted on `path`, so that a wrong method gets 405 with Allow
 * instead of Hono's plain 404.
 */
export function allowedMethods(routes: readonly RouteEntry[], path: string): string[] {
  const methods = new Set<string>();
  for (const route of routes) {
    if (route.method === "ALL") continue;
    let pattern = compiled.get(route.path);
    if (!pattern) {
      pattern = compile(route.path);
      compiled.set(route.path, pattern);
    }
    if (pattern.test(path)) methods.add(route.method);
  }
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods].sort();
}

/**
 * A Content-Disposition for a download named `filename`: the exact UTF-8 name as RFC 5987
 * `filename*` (RFC 6266), which browsers prefer, and `fallback` (or the name with every
 * character outside printable ASCII replaced) for clients that know only `filename`.
 */
export function attachmentDisposition(filename: string, fallback?: string): string {
  const ascii = (fallback ?? filename).replace(/[^\x20-\x7e]|["\\%]/g, "_");
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

// The /docs page: Scalar's API reference from the npm package, copied into the static assets
// (scripts/copy-docs-assets.ts, part of npm run build), so that it works offline and runs no third-party code.

/** Only this origin's scripts, styles the bundle injects, no framing, no plugins. */
export const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

export function docsPage(title: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title}</title>
  </head>
  <body>
    <div id="app"></div>
    <script src="/assets/scalar/standalone.js"></script>
    <script src="/assets/docs.js"></script>
  </body>
</html>
`;
}

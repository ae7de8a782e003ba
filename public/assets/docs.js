// Starts the API reference on /docs (the Scalar bundle is served from this origin).
Scalar.createApiReference("#app", { url: "/openapi.json", withDefaultFonts: false });

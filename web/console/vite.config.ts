// The console: a Vue single-page app served at /console/, built into public/console/.
import { fileURLToPath } from "node:url";
import vue from "@vitejs/plugin-vue";
import { TDesignResolver } from "unplugin-vue-components/resolvers";
import components from "unplugin-vue-components/vite";
import { defineConfig } from "vite";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here("."),
  base: "/console/",
  plugins: [
    vue(),
    // Each page's template imports the TDesign components it uses (<TButton> from
    // tdesign-vue-next), so a page chunk holds what it uses and no page lists them by hand. The
    // console's own components are imported explicitly (dirs: []); components.d.ts types the
    // resolved ones for vue-tsc and is rewritten by the build.
    components({
      resolvers: [TDesignResolver({ library: "vue-next" })],
      dirs: [],
      dts: here("components.d.ts"),
    }),
  ],
  define: {
    __VUE_OPTIONS_API__: "false",
    __VUE_PROD_DEVTOOLS__: "false",
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: "false",
    __VUE_I18N_FULL_INSTALL__: "false",
    __VUE_I18N_LEGACY_API__: "false",
    __INTLIFY_PROD_DEVTOOLS__: "false",
  },
  build: {
    outDir: here("../../public/console"),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
    manifest: true,
    chunkSizeWarningLimit: 1200,
  },
  logLevel: "warn",
});

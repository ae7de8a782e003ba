import type { D1Migration } from "@cloudflare/vitest-plugin";
import type { Bindings } from "../src/types";

declare global {
  namespace Cloudflare {
    interface Env extends Bindings {
      TEST_MIGRATIONS: D1Migration[];
      TEST_SCAN_MIGRATIONS: D1Migration[];
      /** A province's scan database (vitest.config.ts). */
      SCANS_DB_33: D1Database;
    }
    interface GlobalProps {
      mainModule: typeof import("../src/index");
    }
  }
}

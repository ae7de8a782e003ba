// Secrets for the test worker, made fresh for each run (never the demo or production values).
import { generateSecrets } from "../scripts/secrets.ts";

export async function testBindings(): Promise<Record<string, string>> {
  const secrets = await generateSecrets();
  return {
    ...secrets,
    ENVIRONMENT: "test",
    WECHAT_MODE: "mock",
    WECHAT_RECALL_TEMPLATE_ID: "test-recall-template",
    WECHAT_QR_CHECK_FILE: "AbCd1234Ef",
    WECHAT_QR_CHECK_CONTENT: "4f1c8a7b2d9e6f03",
  };
}

// Secrets for the test worker, made fresh for each run (never the demo or production values).
import { generateSecrets } from "../scripts/secrets.ts";

export async function testBindings(): Promise<Record<string, string>> {
  const secrets = await generateSecrets();
  return { ...secrets, ENVIRONMENT: "test", WECHAT_MODE: "mock" };
}

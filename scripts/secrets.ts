// Fresh random secrets for .dev.vars (npm start) and for the test worker.
import { exportJWK, generateKeyPair } from "jose";

function randomBase64(bytes: number): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("base64");
}

async function signingKeyJwk(kid: string) {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: "ES256" };
}

export async function generateSecrets(): Promise<Record<string, string>> {
  const stamp = new Date().toISOString().slice(0, 10).replaceAll("-", "");
  const labelKid = "1";
  return {
    TOKEN_SIGNING_KEYS: JSON.stringify([await signingKeyJwk(`at-${stamp}`)]),
    LABEL_HMAC_KEYS: JSON.stringify({ [labelKid]: randomBase64(32) }),
    LABEL_HMAC_CURRENT_KID: labelKid,
    CLIENT_ID_PEPPER: randomBase64(32),
    WECHAT_APP_SECRET: randomBase64(24),
  };
}

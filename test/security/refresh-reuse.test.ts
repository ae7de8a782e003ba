// Concurrent reuse of one refresh token: whatever the interleaving, the family is revoked whole,
// the token the winner was just issued included.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createUser } from "../helpers/fixtures";
import { callJson } from "../helpers/http";

const refresh = (token: string) =>
  callJson<{ refresh_token?: string }>("/v1/auth/refresh", { body: { refresh_token: token } });

describe("refresh token reuse under concurrency", () => {
  it("revokes the whole family, the winner's new token included, in every trial", async () => {
    for (let trial = 0; trial < 8; trial++) {
      const user = await createUser("consumer");
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => refresh(user.refreshToken)),
      );
      const winners = answers.filter((a) => a.status === 200);
      expect(winners.length, `trial ${trial}`).toBeLessThanOrEqual(1);
      expect(answers.filter((a) => a.status === 401).length).toBeGreaterThanOrEqual(19);
      for (const winner of winners) {
        const again = await refresh(winner.body.refresh_token as string);
        expect(again.status, `trial ${trial}: the winner's token survived`).toBe(401);
      }
      const alive = await env.DB.prepare(
        "SELECT count(*) AS n FROM refresh_tokens WHERE user_id = ? AND revoked_at IS NULL",
      )
        .bind(user.id)
        .first<{ n: number }>();
      expect(alive?.n, `trial ${trial}`).toBe(0);
    }
  }, 60_000);
});

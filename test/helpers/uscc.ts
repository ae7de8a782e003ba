// Pure, so that the Node-side e2e fixtures use it as well as the tests inside workerd.
import { usccCheckCharacter } from "../../src/lib/uscc.ts";

/** A valid USCC of a farmers' cooperative (93…) in `region` (check character computed). */
export function makeUscc(region = "330903"): string {
  const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  let body = "";
  for (let i = 0; i < 9; i++) body += alphabet[Math.floor(Math.random() * alphabet.length)];
  const first17 = `93${region}${body}`;
  return `${first17}${usccCheckCharacter(first17)}`;
}

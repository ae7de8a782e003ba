import type { Language } from "./domain-words";

/** English when the client asks for it first, Chinese otherwise. */
export function requestLanguage(acceptLanguage: string | undefined): Language {
  return /^\s*en\b/i.test(acceptLanguage ?? "") ? "en" : "zh";
}

import type { MessageLanguage } from "./risk";

/** The language of consumer-facing text: English when the client asks for it first, else Chinese. */
export const languageOf = (acceptLanguage: string | undefined): MessageLanguage =>
  /^\s*en\b/i.test(acceptLanguage ?? "") ? "en" : "zh";

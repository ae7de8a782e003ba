// Every enum in the reader's language from the one domain dictionary (shared with the verify
// page), times in Beijing time, numbers formatted for the locale.
import { computed } from "vue";
import { type Language, type WordKind, wordFor } from "../../../src/lib/i18n/domain-words";
import { i18n } from "./i18n";

export const language = computed<Language>(() => (i18n.global.locale.value === "en" ? "en" : "zh"));

export function word(kind: WordKind, id: string | null | undefined): string {
  return id ? wordFor(kind, id, language.value) : "—";
}

const beijing = (lang: Language) =>
  new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "zh-CN", {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  });

/** An instant in Beijing time, e.g. 2026/11/20 12:30. */
export function time(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : beijing(language.value).format(date);
}

/** A calendar date (YYYY-MM-DD) as written in the reader's language. */
export function day(date: string | null | undefined): string {
  return date ? date.slice(0, 10) : "—";
}

export function num(value: number | null | undefined): string {
  return value === null || value === undefined
    ? "—"
    : new Intl.NumberFormat(language.value === "en" ? "en-US" : "zh-CN").format(value);
}

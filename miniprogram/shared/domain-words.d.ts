// Types of the generated domain-words.js: the source itself (outside miniprogramRoot, types only).
export * from "../../src/lib/i18n/domain-words";

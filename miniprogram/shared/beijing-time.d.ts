// Types of the generated beijing-time.js: the source itself (outside miniprogramRoot, types only).
export * from "../../src/lib/beijing-time";

// Loads a page of the compiled mini-program into miniprogram-simulate, TDesign stubbed.
import { join } from "node:path";
import simulate from "miniprogram-simulate";
import { builtMiniprogram, mpModule } from "./build";
import { tdesignStubs } from "./tdesign-stubs";

export type PageComponent = ReturnType<typeof simulate.render>;

export function renderPage(page: string): PageComponent {
  const root = builtMiniprogram();
  const id = simulate.load(join(root, page), {
    compiler: "simulate",
    rootPath: root,
    usingComponents: tdesignStubs(),
  });
  const component = simulate.render(id);
  // jsdom's document (the project type-checks without the DOM library).
  const { document } = globalThis as unknown as { document: { createElement(tag: string): never } };
  component.attach(document.createElement("parent-wrapper"));
  return component;
}

/** Points the compiled config at a server (the local worker, or a fake host for the handler). */
export function setConfig(values: Record<string, unknown>): void {
  Object.assign(mpModule<{ config: Record<string, unknown> }>("config").config, values);
}

export function text(component: PageComponent, selector: string): string {
  return component.querySelector(selector)?.dom?.textContent?.trim() ?? "";
}

type Handler = (...args: never[]) => unknown;
/** The page methods the tests call (lifecycle and tap handlers), read from the page's instance. */
export type PageMethods = {
  onLoad(query?: Record<string, string>): unknown;
  onShow(): unknown;
  scan(): unknown;
  switchLang(): unknown;
  shareLocation(): unknown;
  subscribe(): unknown;
  onInput(event: { detail: { value: string } }): unknown;
  send(): unknown;
};

export function methods(component: PageComponent): PageMethods {
  const instance = component.instance as unknown as Record<string, Handler | undefined>;
  return new Proxy({} as PageMethods, {
    get:
      (_, name: string) =>
      (...args: never[]) => {
        const method = instance[name];
        if (!method) throw new Error(`the page has no method ${name}`);
        return method.apply(instance, args);
      },
  });
}

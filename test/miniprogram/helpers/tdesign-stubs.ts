// TDesign components stand in for themselves as small components with the same tags and
// properties: simulate's JS template compiler cannot load external .wxs modules, which TDesign's
// templates use. The pages' own templates, data and handlers are what these tests exercise.
import simulate from "miniprogram-simulate";

const stub = (template: string, properties: Record<string, string | boolean>): string =>
  String(
    simulate.load({
      template,
      properties: Object.fromEntries(
        Object.entries(properties).map(([k, v]) => [
          k,
          { type: typeof v === "boolean" ? Boolean : String, value: v },
        ]),
      ) as never,
    }),
  );

let ids: Record<string, string> | null = null;

export function tdesignStubs(): Record<string, string> {
  ids ??= {
    "t-button": stub('<view class="t-button" data-theme="{{theme}}"><slot /></view>', {
      theme: "",
      variant: "",
      size: "",
      shape: "",
      block: false,
      loading: false,
    }),
    "t-tag": stub('<view class="t-tag" data-theme="{{theme}}"><slot /></view>', {
      theme: "",
      size: "",
      variant: "",
    }),
    "t-cell": stub(
      '<view class="t-cell"><text class="t-cell-title">{{title}}</text><text class="t-cell-description">{{description}}</text><text class="t-cell-note">{{note}}</text></view>',
      { title: "", description: "", note: "", arrow: false },
    ),
    "t-cell-group": stub(
      '<view class="t-cell-group"><view class="t-cell-group-title">{{title}}</view><slot /></view>',
      {
        title: "",
      },
    ),
    "t-loading": stub('<view class="t-loading">{{text}}</view>', { text: "" }),
    "t-empty": stub('<view class="t-empty">{{description}}</view>', { description: "" }),
    "t-textarea": stub('<view class="t-textarea">{{value}}</view>', {
      value: "",
      placeholder: "",
      maxlength: "",
    }),
  };
  return ids;
}

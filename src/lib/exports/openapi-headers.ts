// The response headers of paged lists and of exports, as the OpenAPI document declares them.

export const nextLinkHeaders = {
  Link: {
    description:
      'The next page, `</path?…&cursor=…>; rel="next"`: the same format, filters and limit (JSON pages only; absent on the last page)',
    schema: { type: "string" as const },
  },
};

export const attachmentHeaders = {
  "Content-Disposition": {
    description:
      "An export's file name (exports only): an ASCII `filename` and the UTF-8 name as RFC 5987 `filename*`",
    schema: { type: "string" as const },
  },
};

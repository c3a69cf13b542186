import DOMPurify from "dompurify";
import hljs from "highlight.js/lib/common";
import { Marked } from "marked";
import { markedHighlight } from "marked-highlight";
import { mathExtension } from "./math-extension.js";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const marked = new Marked(
  markedHighlight({
    emptyLangClass: "hljs",
    langPrefix: "hljs language-",
    // Named languages only: auto-detection runs every grammar and costs far more than the parse.
    highlight: (code, lang) => (lang && hljs.getLanguage(lang) ? hljs.highlight(code, { language: lang }).value : escapeHtml(code)),
  }),
  mathExtension(),
  {
    gfm: true,
    breaks: false,
    renderer: {
      // Code blocks get copy and save buttons; a click on them is handled by delegation in the component.
      code(token) {
        const lang = (token.lang ?? "").split(/\s/)[0] ?? "";
        const body = token.escaped ? token.text : escapeHtml(token.text);
        const label = lang ? `<span class="code-lang">${escapeHtml(lang)}</span>` : "";
        return `<div class="code-block">${label}<button type="button" class="copy-code" data-copy-code aria-label="Copy code">Copy</button><button type="button" class="save-code" data-save-code aria-label="Save code as a file">Save</button><pre><code class="hljs${lang ? ` language-${escapeHtml(lang)}` : ""}">${body}</code></pre></div>\n`;
      },
    },
  },
);

const purifyConfig = { ADD_ATTR: ["aria-hidden", "encoding"], ADD_TAGS: ["semantics", "annotation"] };

/** Markdown (with code and math) to sanitized HTML. Never given model text unsanitized to the DOM. */
export function renderMarkdown(source: string): string {
  const html = marked.parse(source, { async: false });
  return DOMPurify.sanitize(html, purifyConfig);
}

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
      // Code blocks get their copy button after sanitising (addCopyButtons), so nothing in model
      // output can stand in for one.
      code(token) {
        const lang = (token.lang ?? "").split(/\s/)[0] ?? "";
        const body = token.escaped ? token.text : escapeHtml(token.text);
        const label = lang ? `<span class="code-lang">${escapeHtml(lang)}</span>` : "";
        return `<div class="code-block">${label}<pre><code class="hljs${lang ? ` language-${escapeHtml(lang)}` : ""}">${body}</code></pre></div>\n`;
      },
      // Raw HTML in model output is shown as the text it is, never rendered.
      html({ text }) {
        return escapeHtml(text);
      },
    },
  },
);

const purifyConfig = {
  ADD_ATTR: ["aria-hidden", "encoding"],
  ADD_TAGS: ["semantics", "annotation"],
  // Defence in depth behind the escaped raw HTML: nothing that restyles the app or takes input.
  FORBID_TAGS: ["style", "form", "input", "button", "textarea", "select", "option", "iframe", "object", "embed", "link", "meta", "base", "dialog"],
  ALLOW_DATA_ATTR: false,
};

// Inline styles only on KaTeX's output (its layout needs them); anywhere else one could draw over the app.
// (Imported without a DOM, as the chat state's tests under Node do, DOMPurify has no hooks; the page always has one.)
DOMPurify.addHook?.("afterSanitizeAttributes", (node) => {
  if (node.hasAttribute("style") && !node.closest(".katex, .katex-display")) node.removeAttribute("style");
});

const CODE_BUTTONS =
  `<button type="button" class="copy-code" data-copy-code aria-label="Copy code">Copy</button>` +
  `<button type="button" class="save-code" data-save-code aria-label="Save code as a file">Save</button>`;

/** Adds the copy and save buttons to each code block the renderer made; model text cannot make one (raw HTML is text). */
function addCopyButtons(html: string): string {
  return html.replaceAll(`<div class="code-block">`, `<div class="code-block">${CODE_BUTTONS}`);
}

/** Markdown (with code and math) to sanitized HTML. Never given model text unsanitized to the DOM. */
export function renderMarkdown(source: string): string {
  const html = marked.parse(source, { async: false });
  return addCopyButtons(DOMPurify.sanitize(html, purifyConfig));
}

/** The code a copy or save button takes: the visible code of its own block, never another element's. */
export function codeOfCopyButton(button: HTMLElement): string | undefined {
  const code = button.parentElement?.matches(".code-block") ? button.parentElement.querySelector(":scope > pre > code") : null;
  return code instanceof HTMLElement ? code.innerText : undefined;
}

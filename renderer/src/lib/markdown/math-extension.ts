import katex from "katex";
import type { MarkedExtension, TokenizerAndRendererExtension } from "marked";

/** Finds the closing brace that balances the `{` at `open`; -1 when the text ends first. */
function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\\") i++;
    else if (ch === "{") depth++;
    else if (ch === "}" && --depth === 0) return i;
  }
  return -1;
}

// The streaming tail is re-rendered as tokens arrive; its formulas are mostly the same each time.
const rendered = new Map<string, string>();
const CACHE_LIMIT = 400;
/** Model-written sizes (\rule, \hspace) are capped, and macros cannot expand without end. */
const LIMITS = { maxSize: 20, maxExpand: 500, trust: false } as const;

function renderTex(tex: string, displayMode: boolean): string {
  const key = `${displayMode ? "D" : "I"}${tex}`;
  let html = rendered.get(key);
  if (html === undefined) {
    // throwOnError false: a half-streamed or malformed formula shows as red source, never breaks the page.
    html = katex.renderToString(tex, { displayMode, throwOnError: false, output: "htmlAndMathml", strict: "ignore", ...LIMITS });
    if (rendered.size >= CACHE_LIMIT) rendered.delete(rendered.keys().next().value!);
    rendered.set(key, html);
  }
  return html;
}

type Delimiter = { open: string; close: string; display: boolean };

const blockDelimiters: Delimiter[] = [
  { open: "$$", close: "$$", display: true },
  { open: "\\[", close: "\\]", display: true },
];
const inlineDelimiters: Delimiter[] = [...blockDelimiters, { open: "\\(", close: "\\)", display: false }, { open: "$", close: "$", display: false }];

function matchDelimited(src: string, delimiters: Delimiter[]): { raw: string; tex: string; display: boolean } | undefined {
  for (const d of delimiters) {
    if (!src.startsWith(d.open)) continue;
    const end = src.indexOf(d.close, d.open.length);
    if (end < 0) continue;
    const tex = src.slice(d.open.length, end);
    // "$5 and $6" is money, not math: inline $…$ must not start or end with a space, nor span lines.
    if (d.open === "$" && (!tex || /^\s|\s$/.test(tex) || tex.includes("\n") || /^\d/.test(src.slice(end + 1)))) continue;
    if (!tex.trim()) continue;
    return { raw: src.slice(0, end + d.close.length), tex, display: d.display };
  }
  return undefined;
}

const blockMath: TokenizerAndRendererExtension = {
  name: "blockMath",
  level: "block",
  start: (src) => src.match(/^ {0,3}(\$\$|\\\[)/m)?.index,
  tokenizer(src) {
    const lead = /^ {0,3}/.exec(src)![0].length;
    const found = matchDelimited(src.slice(lead), blockDelimiters);
    if (!found) return undefined;
    const rest = src.slice(lead + found.raw.length);
    const lineEnd = /^[ \t]*(\n|$)/.exec(rest);
    if (!lineEnd) return undefined;
    return { type: "blockMath", raw: src.slice(0, lead + found.raw.length + lineEnd[0].length), text: found.tex };
  },
  renderer: (token) => `<div class="math-display">${renderTex(token.text as string, true)}</div>\n`,
};

const inlineMath: TokenizerAndRendererExtension = {
  name: "inlineMath",
  level: "inline",
  start(src) {
    const index = src.search(/\$|\\\(|\\\[|\\boxed\{/);
    return index < 0 ? undefined : index;
  },
  tokenizer(src) {
    if (src.startsWith("\\boxed{")) {
      // R1 often writes a bare \boxed{42} outside any math delimiters.
      const close = matchingBrace(src, "\\boxed".length);
      if (close < 0) return undefined;
      return { type: "inlineMath", raw: src.slice(0, close + 1), text: src.slice(0, close + 1), display: false };
    }
    const found = matchDelimited(src, inlineDelimiters);
    return found && { type: "inlineMath", raw: found.raw, text: found.tex, display: found.display };
  },
  renderer: (token) => renderTex(token.text as string, token.display as boolean),
};

/** `$…$`, `$$…$$`, `\(…\)`, `\[…\]` and bare `\boxed{}` rendered by KaTeX. */
export function mathExtension(): MarkedExtension {
  return { extensions: [blockMath, inlineMath] };
}

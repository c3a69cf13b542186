const OPEN = "<think>";
const CLOSE = "</think>";

/** How much of `text`'s end could be the start of `tag` (held back until the next piece decides). */
function partialTagAt(text: string, tag: string): number {
  for (let length = Math.min(tag.length - 1, text.length); length > 0; length--) if (tag.startsWith(text.slice(-length))) return length;
  return 0;
}

/**
 * Splits streamed `content` into reasoning and answer for servers without a reasoning parser:
 * `<think>…</think>` at the start, or — when the chat template already opened it (R1's newer
 * templates end the prompt with `<think>\n`) — reasoning from the first token up to `</think>`.
 * Tags split across pieces are held back until they are whole. Text is never moved between the two
 * after it streamed: what the trace showed live is what the conversation keeps.
 */
export class ThinkSplitter {
  #phase: "start" | "thought" | "answer";
  #pending = "";
  /** Whitespace right after `<think>` or `</think>` is layout, not text (the local engine drops it too). */
  #skipSpace = false;

  /** `thinksFirst`: the model opens with reasoning even when no `<think>` arrives (R1 and its distills). */
  constructor(private readonly thinksFirst: boolean) {
    this.#phase = "start";
  }

  push(piece: string): { thought: string; answer: string } {
    let text = this.#pending + piece;
    this.#pending = "";
    let thought = "";
    let answer = "";
    if (this.#phase === "start") {
      const trimmed = text.trimStart();
      if (trimmed.startsWith(OPEN)) {
        text = trimmed.slice(OPEN.length);
        this.#phase = "thought";
        this.#skipSpace = true;
      } else if (OPEN.startsWith(trimmed)) {
        this.#pending = text;
        return { thought, answer };
      } else if (this.thinksFirst) {
        this.#phase = "thought";
      } else this.#phase = "answer";
    }
    if (this.#skipSpace) {
      text = text.trimStart();
      this.#skipSpace = text === "";
    }
    if (this.#phase === "thought") {
      const end = text.indexOf(CLOSE);
      if (end === -1) {
        const hold = partialTagAt(text, CLOSE);
        thought = text.slice(0, text.length - hold);
        this.#pending = text.slice(text.length - hold);
        return { thought, answer };
      }
      thought = text.slice(0, end);
      text = text.slice(end + CLOSE.length).trimStart();
      this.#phase = "answer";
      this.#skipSpace = text === "";
    }
    answer = text;
    return { thought, answer };
  }

  /** The end of the stream: what was held back (a partial tag that never completed is text after all). */
  finish(): { thought: string; answer: string } {
    const rest = this.#pending;
    this.#pending = "";
    return this.#phase === "thought" ? { thought: rest, answer: "" } : { thought: "", answer: rest };
  }
}

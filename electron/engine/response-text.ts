import type { LlamaChatResponseChunk } from "node-llama-cpp";
import { DeltaCoalescer } from "./delta-coalescer.js";
import { TrimmedStream } from "./trimmed-stream.js";

const THINK_OPEN = "<think>";

/** The response's reasoning and answer as they stream: trimmed, collected, and sent on in coalesced deltas. */
export class ResponseText {
  thought: string;
  answer: string;
  private readonly coalescer: DeltaCoalescer;
  // R1 writes `<think>\n…\n</think>\n\n…`: the newlines around the reasoning are format, not text.
  private readonly thoughtStream = new TrimmedStream();
  private readonly answerStream = new TrimmedStream();
  /** The reasoning's start, held back while it may still be a second `<think>` (after the forced one). */
  private thoughtHead: string | undefined;

  /** `earlier`: what a stopped run of this response wrote; it counts as said, only new text is sent on. */
  constructor(onDelta: (thought: string, answer: string) => void, earlier?: { thought: string; answer: string }) {
    this.coalescer = new DeltaCoalescer(onDelta);
    this.thought = earlier?.thought ?? "";
    this.answer = earlier?.answer ?? "";
    this.thoughtHead = this.thought ? undefined : "";
    // Going on from earlier text: a space or newline the model writes next is text, not leading format.
    if (this.thought) this.thoughtStream.push("x");
    if (this.answer) this.answerStream.push("x");
  }

  push(chunk: LlamaChatResponseChunk): void {
    if (chunk.type === "segment") {
      if (chunk.segmentType !== "thought") return;
      const text = this.thoughtStream.push(this.withoutRepeatedOpening(chunk.text));
      this.thought += text;
      this.coalescer.push(text, "");
    } else {
      const text = this.answerStream.push(chunk.text);
      this.answer += text;
      this.coalescer.push("", text);
    }
  }

  /** Sends what is pending (before the final result, so no text arrives after it). */
  flush(): void {
    if (this.thoughtHead) {
      const text = this.thoughtStream.push(this.thoughtHead);
      this.thoughtHead = undefined;
      this.thought += text;
      this.coalescer.push(text, "");
    }
    this.coalescer.flush();
  }

  /**
   * Models that think on their own sometimes open their reasoning again right after the forced
   * `<think>\n`; node-llama-cpp then reports that tag as reasoning text. It is format: it goes.
   */
  private withoutRepeatedOpening(text: string): string {
    if (this.thoughtHead === undefined) return text;
    const head = this.thoughtHead + text;
    const start = head.trimStart();
    if (start.length < THINK_OPEN.length && THINK_OPEN.startsWith(start)) {
      this.thoughtHead = head;
      return "";
    }
    this.thoughtHead = undefined;
    return start.startsWith(THINK_OPEN) ? start.slice(THINK_OPEN.length) : head;
  }
}

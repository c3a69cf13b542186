import type { LlamaChatResponseChunk } from "node-llama-cpp";
import { DeltaCoalescer } from "./delta-coalescer.js";
import { TrimmedStream } from "./trimmed-stream.js";

/** The response's reasoning and answer as they stream: trimmed, collected, and sent on in coalesced deltas. */
export class ResponseText {
  thought = "";
  answer = "";
  private readonly coalescer: DeltaCoalescer;
  // R1 writes `<think>\n…\n</think>\n\n…`: the newlines around the reasoning are format, not text.
  private readonly thoughtStream = new TrimmedStream();
  private readonly answerStream = new TrimmedStream();

  constructor(onDelta: (thought: string, answer: string) => void) {
    this.coalescer = new DeltaCoalescer(onDelta);
  }

  push(chunk: LlamaChatResponseChunk): void {
    if (chunk.type === "segment") {
      if (chunk.segmentType !== "thought") return;
      const text = this.thoughtStream.push(chunk.text);
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
    this.coalescer.flush();
  }
}

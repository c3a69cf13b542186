import type { LlamaChatResponseChunk, LlamaContextSequence } from "node-llama-cpp";
import type { GenerationMetrics } from "../shared/contract/chat.js";
import type { BackendKind } from "../shared/contract/engine.js";

/** Where the model runs, reported with the metrics. */
export interface Placement {
  backend: BackendKind;
  gpuLayers: number;
}

/** Times and counts one response: time to first token, prompt and generation speed, thought and answer tokens. */
export class GenerationMeter {
  private readonly startedAt = performance.now();
  private readonly tokensAtStart: ReturnType<LlamaContextSequence["tokenMeter"]["getState"]>;
  private firstTokenAt: number | undefined;
  private lastTokenAt: number | undefined;
  private promptTokens = 0;
  private thoughtStartedAt: string | null = null;
  private thoughtEndedAt: string | null = null;
  private answerTokens = 0;
  /** Tokens of reasoning so far (the thinking budget counts these). */
  thoughtTokens = 0;

  constructor(
    private readonly sequence: LlamaContextSequence,
    private readonly placement: Placement,
  ) {
    this.tokensAtStart = sequence.tokenMeter.getState();
  }

  record(chunk: LlamaChatResponseChunk): void {
    if (chunk.tokens.length > 0) {
      const now = performance.now();
      if (this.firstTokenAt === undefined) {
        this.firstTokenAt = now;
        // Everything evaluated before the first generated token is the prompt.
        this.promptTokens = this.evaluatedInputTokens();
      }
      this.lastTokenAt = now;
    }
    if (chunk.type !== "segment") {
      this.answerTokens += chunk.tokens.length;
    } else if (chunk.segmentType === "thought") {
      if (chunk.segmentStartTime && !this.thoughtStartedAt) this.thoughtStartedAt = chunk.segmentStartTime.toISOString();
      if (chunk.segmentEndTime) this.thoughtEndedAt = chunk.segmentEndTime.toISOString();
      this.thoughtTokens += chunk.tokens.length;
    }
  }

  metrics(droppedMessages: number): GenerationMetrics {
    const { firstTokenAt, lastTokenAt, startedAt } = this;
    const generated = this.thoughtTokens + this.answerTokens;
    if (firstTokenAt === undefined) this.promptTokens = this.evaluatedInputTokens();
    const promptTokens = this.promptTokens;
    const ttft = firstTokenAt === undefined ? null : firstTokenAt - startedAt;
    const genSeconds = firstTokenAt !== undefined && lastTokenAt !== undefined ? (lastTokenAt - firstTokenAt) / 1000 : 0;
    return {
      ttftMs: ttft,
      promptTokens,
      promptTokensPerSecond: ttft && promptTokens ? promptTokens / (ttft / 1000) : null,
      generatedTokens: generated,
      generationTokensPerSecond: genSeconds > 0 && generated > 1 ? (generated - 1) / genSeconds : null,
      thoughtTokens: this.thoughtTokens,
      answerTokens: this.answerTokens,
      thoughtStartedAt: this.thoughtStartedAt,
      thoughtEndedAt: this.thoughtEndedAt,
      totalMs: performance.now() - startedAt,
      backend: this.placement.backend,
      gpuLayers: this.placement.gpuLayers,
      contextUsed: this.sequence.nextTokenIndex,
      contextSize: this.sequence.contextSize,
      droppedMessages,
    };
  }

  private evaluatedInputTokens(): number {
    return this.sequence.tokenMeter.diff(this.tokensAtStart).usedInputTokens;
  }
}

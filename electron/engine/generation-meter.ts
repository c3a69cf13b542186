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
  private readonly predictionsAtStart: LlamaContextSequence["tokenPredictions"];
  private firstTokenAt: number | undefined;
  private lastTokenAt: number | undefined;
  /** The prompt as it stood when the first token came: the whole of it, and the part evaluated now. */
  private prompt: { tokens: number; evaluated: number } | undefined;
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
    this.predictionsAtStart = { ...sequence.tokenPredictions };
  }

  record(chunk: LlamaChatResponseChunk): void {
    if (chunk.tokens.length > 0) {
      const now = performance.now();
      if (this.firstTokenAt === undefined) {
        this.firstTokenAt = now;
        this.prompt = this.promptState();
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
    const prompt = this.prompt ?? this.promptState();
    const ttft = firstTokenAt === undefined ? null : firstTokenAt - startedAt;
    const genSeconds = firstTokenAt !== undefined && lastTokenAt !== undefined ? (lastTokenAt - firstTokenAt) / 1000 : 0;
    return {
      ttftMs: ttft,
      promptTokens: prompt.tokens,
      cachedPromptTokens: prompt.tokens - prompt.evaluated,
      promptTokensPerSecond: ttft && prompt.evaluated ? prompt.evaluated / (ttft / 1000) : null,
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
      ...this.draftTokens(),
    };
  }

  /** Predicted tokens this response checked (speculative decoding, prompt lookup); null when nothing was predicted. */
  private draftTokens(): Pick<GenerationMetrics, "draftAcceptedTokens" | "draftRefutedTokens"> {
    const now = this.sequence.tokenPredictions;
    const accepted = now.validated - this.predictionsAtStart.validated;
    const refuted = now.refuted - this.predictionsAtStart.refuted;
    return accepted + refuted > 0 ? { draftAcceptedTokens: accepted, draftRefutedTokens: refuted } : { draftAcceptedTokens: null, draftRefutedTokens: null };
  }

  /**
   * Everything in the context before the first generated token is the prompt; what this response
   * decoded of it (llama.cpp's input and output tokens alike) was evaluated, the rest was reused.
   */
  private promptState(): { tokens: number; evaluated: number } {
    const used = this.sequence.tokenMeter.diff(this.tokensAtStart);
    const tokens = this.sequence.nextTokenIndex;
    return { tokens, evaluated: Math.min(tokens, used.usedInputTokens + used.usedOutputTokens) };
  }
}

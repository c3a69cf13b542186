import type { AnsweredBy, ChatTurn, GenerationMetrics, ResolvedGenerationOptions, StopReason } from "../../shared/contract/chat.js";
import type { EngineState, ModelFamily, RequestLane } from "../../shared/contract/engine.js";
import type { ToolCall, ToolOptions } from "../../shared/contract/tools.js";

/** What answers a chat needs to know about the model it talks to. */
export interface AnsweringModel {
  name: string;
  family: ModelFamily;
  systemPromptAllowed: boolean;
  /** Tokens of context, where known (a remote server does not say). */
  contextSize?: number;
}

/** One response to generate: the turns (answers only, never reasoning) and the resolved options. */
export interface GenerateRequest {
  conversationId?: string | null;
  turns: ChatTurn[];
  options: ResolvedGenerationOptions;
  /** What a stopped run of this response wrote; generation goes on from there. */
  continuation?: { thought: string; answer: string };
  /** Who asks (the app's window when absent): the local engine gives the window a sequence of its own and queues API clients. */
  lane?: RequestLane;
  /** Tools, stop strings and answer format; an engine that cannot honour them says so before generating. */
  tools?: ToolOptions;
}

/** The end of a response: everything streamed, why it stopped and, when it got that far, its metrics. */
export type GenerateDone =
  | {
      type: "done";
      stopReason: StopReason;
      thought: string;
      answer: string;
      metrics: GenerationMetrics;
      message: string | null;
      /** Calls the response ended with (the local engine with `tools`). */
      toolCalls?: Omit<ToolCall, "result">[];
    }
  | { type: "done"; stopReason: "crashed" | "error"; thought: string; answer: string; metrics: null; message: string };

/** A delta's `thoughtTokens`: reasoning tokens so far, where the engine counts them (the local one does). */
export type GenerateEvent = { type: "delta"; thought: string; answer: string; thoughtTokens?: number } | { type: "notice"; message: string } | GenerateDone;

/**
 * The one interface chat and the local API generate through: the local engine process
 * (local-engine/EngineService) or a remote OpenAI-compatible server (remote/RemoteEngine). The R1
 * rules' defaults are applied above it, so they hold for both.
 */
export interface GenerationEngine {
  /** Who answers: the local engine, or the remote endpoint by its id. */
  readonly answeredBy: AnsweredBy;
  readonly loadedModel: AnsweringModel | null;
  status(): { state: EngineState };
  /** Deltas, notices, then exactly one `done` carrying everything streamed (also after a failure). */
  generate(request: GenerateRequest, signal?: AbortSignal): AsyncGenerator<GenerateEvent, void, undefined>;
  /**
   * Tokens of each text under the model's own tokenizer, and its context size; only where the
   * tokenizer is at hand (the local engine). A remote server has none to ask.
   */
  countTokens?(texts: string[]): Promise<{ counts: number[]; contextSize: number }>;
}

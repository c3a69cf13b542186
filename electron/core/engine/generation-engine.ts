import type { EngineState, ModelFamily } from "../../shared/contract/engine.js";
import type { GenerateEvent, GenerateRequest } from "./engine-client.js";

/** What answers a chat needs to know about the model it talks to. */
export interface AnsweringModel {
  name: string;
  family: ModelFamily;
  systemPromptAllowed: boolean;
  /** Tokens of context, where known (a remote server does not say). */
  contextSize?: number;
}

/**
 * The one interface chat and the local API generate through: the local engine process
 * (EngineService) or a remote OpenAI-compatible server (remote/RemoteEngine). The R1 rules'
 * defaults are applied above it, so they hold for both.
 */
export interface GenerationEngine {
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

import type { ResolvedGenerationOptions } from "../../shared/contract/chat.js";
import type { AnsweringModel, GenerationEngine } from "../generation/generation-engine.js";
import { AppError } from "../kernel/errors.js";
import { describeIssues } from "../kernel/zod-issues.js";
import { httpErrorOf } from "./http-errors.js";
import { endsForAnswer, finishReason, toTurns } from "./openai-messages.js";
import { toolCallChunks, toolCallsMessage } from "./openai-tool-calls.js";
import { toolOptionsOf } from "./openai-tools.js";
import { ChatCompletionRequest } from "./openai-schemas.js";

/**
 * The one path every API shape generates through: an OpenAI Chat Completions request in, OpenAI
 * chunk deltas out. The OpenAI endpoint writes them as they are; the Anthropic and Responses
 * endpoints translate their requests into this shape and its deltas back into theirs.
 */

/** A refusal before anything was streamed: the HTTP status, OpenAI's error type, and extra fields (param, code, counts). */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** An AppError keeps its code's status and words; anything else is a bug, answered without echoing its details. */
  static from(err: unknown): ApiFailure {
    if (err instanceof ApiFailure) return err;
    if (!(err instanceof AppError)) return new ApiFailure(500, "server_error", "The request failed inside R1 Local.");
    const { status, type } = httpErrorOf(err.code);
    return new ApiFailure(status, type, err.message);
  }
}

/** An OpenAI chunk's delta (`choices[0].delta`). */
export interface ChatDelta {
  content?: string;
  reasoning_content?: string;
  tool_calls?: { index: number; id?: string; type?: "function"; function?: { name?: string; arguments?: string } }[];
}

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
}

/** The finished message as OpenAI returns it (non-streamed), with its finish reason and usage. */
export interface ChatFinish {
  type: "finish";
  finishReason: string;
  /** `content` is null when the response is only tool calls, as OpenAI returns it. */
  message: { role: "assistant"; content: string | null; reasoning_content: string; tool_calls?: unknown[] };
  usage?: ChatUsage;
}

export type ChatStep = { type: "delta"; delta: ChatDelta } | ChatFinish | { type: "error"; message: string };

export interface ChatRun {
  model: AnsweringModel;
  /** The first `next()` surfaces "busy", "not loaded" and a prompt over the context as an ApiFailure, before any header goes out. */
  steps: AsyncGenerator<ChatStep, void, undefined>;
}

/** What an endpoint other than OpenAI's can ask for that Chat Completions has no field for. */
export interface ChatExtras {
  thinkingBudget?: number;
}

/** Parses an OpenAI Chat Completions body (or a translated one) into a validated request, or a 400. */
export function parseChatRequest(body: unknown): ChatCompletionRequest {
  const parsed = ChatCompletionRequest.safeParse(body);
  if (!parsed.success) throw new ApiFailure(400, "invalid_request_error", describeIssues(parsed.error));
  return parsed.data;
}

export function startChat(
  engine: GenerationEngine,
  defaults: ResolvedGenerationOptions,
  request: ChatCompletionRequest,
  signal: AbortSignal,
  extras: ChatExtras = {},
): ChatRun {
  const model = engine.loadedModel;
  if (!model) throw new ApiFailure(503, "model_not_loaded", "No model is loaded in R1 Local. Load one in the app first.");
  const { turns, systemPrompt } = toTurns(request.messages, model.systemPromptAllowed);
  const tools = toolOptionsOf(request);
  // A remote server is asked for text only: what it would drop is refused rather than ignored.
  if (tools && engine.answeredBy.kind !== "local")
    throw new ApiFailure(400, "invalid_request_error", "tools, stop and response_format need the local engine; chat is answered by a remote server now.");
  if (!endsForAnswer(turns)) throw new ApiFailure(400, "invalid_request_error", "The last message must be the user's or a tool's result.");
  const generation: ResolvedGenerationOptions = {
    ...defaults,
    temperature: request.temperature ?? defaults.temperature,
    topP: request.top_p ?? defaults.topP,
    topK: request.top_k ?? defaults.topK,
    maxTokens: request.max_completion_tokens ?? request.max_tokens ?? defaults.maxTokens,
    seed: request.seed ?? defaults.seed,
    thinkingBudget: extras.thinkingBudget ?? defaults.thinkingBudget,
    systemPrompt,
  };
  // API clients queue for the sequences the app's window does not hold (local-engine/request-queue.ts).
  return { model, steps: chatSteps(engine, { turns, options: generation, lane: "api", ...(tools ? { tools } : {}) }, signal) };
}

async function* chatSteps(
  engine: GenerationEngine,
  request: Parameters<GenerationEngine["generate"]>[0],
  signal: AbortSignal,
): AsyncGenerator<ChatStep, void, undefined> {
  const events = engine.generate(request, signal);
  try {
    let first = true;
    for await (const event of events) {
      // A prompt that cannot fit is the request's fault, answered before any header (as OpenAI and llama-server do).
      if (first && event.type === "done" && event.stopReason === "prompt-too-long") {
        const counts = event.metrics ? { n_prompt_tokens: event.metrics.promptTokens, n_ctx: event.metrics.contextSize } : {};
        const message = event.message ?? "The prompt does not fit into the model's context.";
        throw new ApiFailure(400, "invalid_request_error", message, { param: "messages", code: "context_length_exceeded", ...counts });
      }
      first = false;
      if (event.type === "delta") {
        if (event.thought) yield { type: "delta", delta: { reasoning_content: event.thought } };
        if (event.answer) yield { type: "delta", delta: { content: event.answer } };
      } else if (event.type === "done") {
        if (event.stopReason === "crashed" || event.stopReason === "error")
          return void (yield { type: "error", message: event.message ?? "The engine failed." });
        const usage = event.metrics
          ? {
              prompt_tokens: event.metrics.promptTokens,
              completion_tokens: event.metrics.generatedTokens,
              total_tokens: event.metrics.promptTokens + event.metrics.generatedTokens,
              // OpenAI's meaning: prompt_tokens is the whole prompt, the part reused from the cache beside it.
              prompt_tokens_details: { cached_tokens: event.metrics.cachedPromptTokens },
              completion_tokens_details: { reasoning_tokens: event.metrics.thoughtTokens },
            }
          : undefined;
        const calls = ("toolCalls" in event ? event.toolCalls : undefined) ?? [];
        // Calls come whole at the end of a response; streamed in OpenAI's delta shape (id and name, then argument pieces).
        for (const delta of toolCallChunks(calls)) yield { type: "delta", delta: delta as ChatDelta };
        const message = {
          role: "assistant" as const,
          content: event.answer || (calls.length > 0 ? null : ""),
          reasoning_content: event.thought,
          ...toolCallsMessage(calls),
        };
        return void (yield { type: "finish", finishReason: finishReason(event.stopReason, calls.length), message, usage });
      }
    }
  } finally {
    // Leaving early must still let the engine client finish its bookkeeping.
    await events.return(undefined);
  }
}

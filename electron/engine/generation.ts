import type { ChatHistoryItem, LLamaChatGenerateResponseOptions, LlamaChat, LlamaChatResponseChunk } from "node-llama-cpp";
import type { ChatTurn, GenerationMetrics, ResolvedGenerationOptions, StopReason } from "../shared/contract/chat.js";
import type { BackendKind } from "../shared/contract/engine.js";
import type { EngineResult } from "../shared/contract/engine-protocol.js";
import { DeltaCoalescer } from "./delta-coalescer.js";

export interface GenerationTarget {
  chat: LlamaChat;
  systemPromptAllowed: boolean;
  backend: BackendKind;
  gpuLayers: number;
}

/** What the last evaluation of a conversation left behind, so the next turn reuses its context shift. */
export interface ConversationWindow {
  history: ChatHistoryItem[];
  shiftMetadata: unknown;
  /** The turns this window was made for, ending with the answer it produced. */
  turns: ChatTurn[];
}

/**
 * The previous evaluation's window extended by the new user turn, when the new request continues
 * exactly that conversation (same turns, the answer as produced); otherwise nothing, and the full
 * history is evaluated afresh.
 */
function continuedWindow(window: ConversationWindow | undefined, turns: ChatTurn[]): ChatHistoryItem[] | undefined {
  if (!window || turns.length !== window.turns.length + 1) return undefined;
  const same = window.turns.every((turn, i) => turns[i]?.role === turn.role && turns[i]?.content === turn.content);
  const next = turns.at(-1);
  if (!same || next?.role !== "user") return undefined;
  return [...window.history, { type: "user", text: next.content }, { type: "model", response: [] }];
}

export interface GenerateInput {
  turns: ChatTurn[];
  options: ResolvedGenerationOptions;
  signal: AbortSignal;
  lastWindow: ConversationWindow | undefined;
  onDelta: (thought: string, answer: string) => void;
  onNotice: (message: string) => void;
}

export type GenerateOutput = EngineResult<"generate"> & { window: ConversationWindow | undefined };

/** Room kept free for the reply when judging whether the new user turn fits at all. */
const minimumReplyTokens = 64;

/**
 * Turns the conversation into node-llama-cpp's history. Assistant turns carry their answer only:
 * earlier reasoning never goes back into the context. For the original distills, which should get
 * no system prompt, a given one is folded into the first user turn, as DeepSeek advises.
 */
export function toChatHistory(turns: ChatTurn[], systemPrompt: string | undefined, systemPromptAllowed: boolean): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  const system = systemPrompt?.trim() ? systemPrompt : "";
  let foldedSystem = false;
  if (system && systemPromptAllowed) history.push({ type: "system", text: system });
  for (const turn of turns) {
    if (turn.role === "user") {
      const fold: boolean = Boolean(system) && !systemPromptAllowed && !foldedSystem;
      foldedSystem ||= fold;
      history.push({ type: "user", text: fold ? `${system}\n\n${turn.content}` : turn.content });
    } else {
      history.push({ type: "model", response: [turn.content] });
    }
  }
  return history;
}

function isAbort(err: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (err instanceof Error && (err.name === "AbortError" || err === signal.reason));
}

export async function generateResponse(target: GenerationTarget, input: GenerateInput): Promise<GenerateOutput> {
  const { chat, backend, gpuLayers } = target;
  const { options, signal } = input;
  const startedAt = performance.now();
  const sequence = chat.sequence;
  const model = chat.model;
  const meterAtStart = sequence.tokenMeter.getState();

  let thought = "";
  let answer = "";
  let thoughtTokens = 0;
  let answerTokens = 0;
  let firstTokenAt: number | undefined;
  let lastTokenAt: number | undefined;
  let promptTokens = 0;
  let thoughtStartedAt: string | null = null;
  let thoughtEndedAt: string | null = null;
  const coalescer = new DeltaCoalescer(input.onDelta);
  // R1 writes `<think>\n…\n</think>\n\n…`: the newlines around the reasoning are format, not text.
  const thoughtText = new TrimmedStream();
  const answerText = new TrimmedStream();

  const metrics = (): GenerationMetrics => {
    const generated = thoughtTokens + answerTokens;
    const used = sequence.tokenMeter.diff(meterAtStart);
    if (firstTokenAt === undefined) promptTokens = used.usedInputTokens;
    const ttft = firstTokenAt === undefined ? null : firstTokenAt - startedAt;
    const genSeconds = firstTokenAt !== undefined && lastTokenAt !== undefined ? (lastTokenAt - firstTokenAt) / 1000 : 0;
    return {
      ttftMs: ttft,
      promptTokens,
      promptTokensPerSecond: ttft && promptTokens ? promptTokens / (ttft / 1000) : null,
      generatedTokens: generated,
      generationTokensPerSecond: genSeconds > 0 && generated > 1 ? (generated - 1) / genSeconds : null,
      thoughtTokens,
      answerTokens,
      thoughtStartedAt,
      thoughtEndedAt,
      totalMs: performance.now() - startedAt,
      backend,
      gpuLayers,
      contextUsed: sequence.nextTokenIndex,
      contextSize: sequence.contextSize,
      droppedMessages,
    };
  };
  let droppedMessages = 0;

  const finish = (stopReason: StopReason, message: string | null, window?: ConversationWindow): GenerateOutput => {
    coalescer.flush();
    return { stopReason, thought, answer, metrics: metrics(), message, window };
  };

  const history = toChatHistory(input.turns, options.systemPrompt, target.systemPromptAllowed);
  const lastUser = history.at(-1);
  if (!lastUser || lastUser.type !== "user") return finish("error", "The last message must be the user's.");

  // The current turn is never shifted out: if it cannot fit with room for a reply, say so instead.
  const currentTurnTokens = model.tokenize(lastUser.text).length;
  if (currentTurnTokens + minimumReplyTokens > sequence.contextSize) {
    return finish(
      "context-full",
      `This message is about ${currentTurnTokens} tokens; with room for a reply it does not fit into the model's context of ${sequence.contextSize} tokens. Shorten it, or load the model with a larger context.`,
    );
  }

  const onResponseChunk = (chunk: LlamaChatResponseChunk) => {
    const now = performance.now();
    if (chunk.tokens.length > 0) {
      if (firstTokenAt === undefined) {
        firstTokenAt = now;
        promptTokens = sequence.tokenMeter.diff(meterAtStart).usedInputTokens;
      }
      lastTokenAt = now;
    }
    if (chunk.type === "segment") {
      if (chunk.segmentType !== "thought") return;
      if (chunk.segmentStartTime && !thoughtStartedAt) thoughtStartedAt = chunk.segmentStartTime.toISOString();
      if (chunk.segmentEndTime) thoughtEndedAt = chunk.segmentEndTime.toISOString();
      thoughtTokens += chunk.tokens.length;
      const text = thoughtText.push(chunk.text);
      thought += text;
      coalescer.push(text, "");
    } else {
      answerTokens += chunk.tokens.length;
      const text = answerText.push(chunk.text);
      answer += text;
      coalescer.push("", text);
    }
  };

  const budget = options.thinkingBudget;
  const windowHistory = continuedWindow(input.lastWindow, input.turns);
  // Set when even the current turn alone no longer fits: the response stops there (context-full).
  const exhausted = new AbortController();
  const generationSignal = AbortSignal.any([signal, exhausted.signal]);
  try {
    const response = await chat.generateResponse(history, {
      onResponseChunk,
      signal: generationSignal,
      stopOnAbortSignal: true,
      temperature: options.temperature,
      topP: options.topP,
      topK: options.topK,
      minP: options.minP,
      seed: options.seed,
      maxTokens: options.maxTokens,
      // node-llama-cpp's LlamaChat applies a repeat penalty unless told not to; DeepSeek's R1 settings have none.
      repeatPenalty: false,
      // Without an explicit budget node-llama-cpp caps thoughts at half the context; R1 needs them whole.
      budgets: { thoughtTokens: budget ?? Infinity },
      lastEvaluationContextWindow: windowHistory ? { history: windowHistory } : undefined,
      contextShift: {
        strategy: keepCurrentTurnStrategy(() => exhausted.abort(new Error("Context full"))),
        lastEvaluationMetadata: windowHistory ? (input.lastWindow?.shiftMetadata as object) : undefined,
      },
    });
    const window: ConversationWindow = {
      history: response.lastEvaluation.contextWindow,
      shiftMetadata: response.lastEvaluation.contextShiftMetadata,
      turns: [...input.turns, { role: "assistant", content: answer }],
    };
    droppedMessages = countDropped(response.lastEvaluation.cleanHistory, response.lastEvaluation.contextWindow);
    if (droppedMessages > 0) {
      input.onNotice(
        `The conversation no longer fits into the model's context of ${sequence.contextSize} tokens: ${droppedMessages} earlier message${droppedMessages === 1 ? " was" : "s were"} left out of what the model sees.`,
      );
    }
    const reason = response.metadata.stopReason;
    if (reason === "abort" && exhausted.signal.aborted && !signal.aborted) return finish("context-full", contextFullMessage(sequence.contextSize), window);
    if (reason === "abort") return finish("aborted", null, window);
    if (reason === "maxTokens") return finish("max-tokens", `Stopped at the limit of ${options.maxTokens} tokens.`, window);
    if (budget !== undefined && thoughtTokens >= budget) {
      return finish("budget-reached", `The reasoning reached its budget of ${budget} tokens and was cut there; the model then answered.`, window);
    }
    return finish("end", null, window);
  } catch (err) {
    if (exhausted.signal.aborted && !signal.aborted) return finish("context-full", contextFullMessage(sequence.contextSize));
    if (isAbort(err, signal)) return finish("aborted", null);
    const message = err instanceof Error ? err.message : String(err);
    if (/context size is too small/i.test(message)) {
      return finish("context-full", `The model's context of ${sequence.contextSize} tokens is full. Start a new conversation or load the model with a larger context.`);
    }
    return finish("error", `Generation failed: ${message}`);
  }
}

function contextFullMessage(contextSize: number): string {
  return `The response filled the model's context of ${contextSize} tokens and stopped there. Start a new conversation or load the model with a larger context.`;
}

type ShiftStrategy = Extract<NonNullable<NonNullable<LLamaChatGenerateResponseOptions["contextShift"]>["strategy"]>, (...args: never[]) => unknown>;

/**
 * When the history outgrows the context, whole earlier exchanges go, oldest first; the system
 * prompt and the current turn (the user's message and the response being written) always stay.
 * If the current turn alone does not fit, `onExhausted` stops the response.
 */
export function keepCurrentTurnStrategy(onExhausted: () => void): ShiftStrategy {
  return ({ chatHistory, maxTokensCount, tokenizer, chatWrapper }) => {
    const fits = (history: ChatHistoryItem[]) => chatWrapper.generateContextState({ chatHistory: history }).contextText.tokenize(tokenizer).length <= maxTokensCount;
    const system = chatHistory.filter((item) => item.type === "system");
    const rest = chatHistory.filter((item) => item.type !== "system");
    const currentStart = rest.findLastIndex((item) => item.type === "user");
    const current = rest.slice(Math.max(0, currentStart));
    let earlier = rest.slice(0, Math.max(0, currentStart));
    while (earlier.length > 0 && !fits([...system, ...earlier, ...current])) {
      const nextExchange = earlier.findIndex((item, index) => index > 0 && item.type === "user");
      earlier = nextExchange === -1 ? [] : earlier.slice(nextExchange);
    }
    const history = [...system, ...earlier, ...current];
    if (!fits(history)) onExhausted();
    return { chatHistory: history, metadata: null };
  };
}

/** Earlier messages the context shift left out or cut short. */
function countDropped(clean: ChatHistoryItem[], window: ChatHistoryItem[]): number {
  // Answers only (thoughts are dropped from earlier turns anyway), whitespace-trimmed: the window
  // keeps the response as generated, the request carries it trimmed.
  const text = (item: ChatHistoryItem) =>
    (item.type === "model" ? item.response.filter((r): r is string => typeof r === "string").join("") : JSON.stringify(item.text)).trim();
  const windowTexts = new Set(window.map((item) => `${item.type}:${text(item)}`));
  return clean.slice(0, -1).filter((item) => item.type !== "system" && !windowTexts.has(`${item.type}:${text(item)}`)).length;
}

/**
 * A stream of text with its leading and trailing whitespace left out, as it arrives: leading
 * whitespace is dropped, trailing whitespace is held back until more text follows it.
 */
export class TrimmedStream {
  private started = false;
  private heldWhitespace = "";

  push(text: string): string {
    let out = this.heldWhitespace + text;
    if (!this.started) {
      out = out.replace(/^\s+/, "");
      if (!out) {
        this.heldWhitespace = "";
        return "";
      }
      this.started = true;
    }
    const trailing = /\s+$/.exec(out)?.[0] ?? "";
    this.heldWhitespace = trailing;
    return out.slice(0, out.length - trailing.length);
  }
}

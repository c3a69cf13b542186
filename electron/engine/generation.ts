import type { ChatHistoryItem, ChatModelResponse, LlamaChat, LlamaChatResponseChunk } from "node-llama-cpp";
import type { ChatTurn, ResolvedGenerationOptions } from "../shared/contract/chat.js";
import type { ModelFamily } from "../shared/contract/engine.js";
import type { EngineResult } from "../shared/contract/engine-protocol.js";
import type { ToolOptions } from "../shared/contract/tools.js";
import { AnswerStop } from "./answer-stop.js";
import { toChatHistory } from "./chat-history.js";
import { keepCurrentTurnStrategy, promptTooLong } from "./context-shift.js";
import { continuedWindow, countDropped, droppedMessagesNotice, windowAfter, type ConversationWindow } from "./conversation-window.js";
import { GenerationMeter, type Placement } from "./generation-meter.js";
import { ResponseText } from "./response-text.js";
import { samplingOptions } from "./sampling-options.js";
import { stopOfFailure, stopOfResponse, unfinishedThought, type Interruptions, type Stop } from "./stop-reason.js";
import { answerGrammar, functionsFor, toolCallsOf } from "./tool-turn.js";

export interface GenerationTarget extends Placement {
  chat: LlamaChat;
  family: ModelFamily;
  systemPromptAllowed: boolean;
}

export interface GenerateInput {
  turns: ChatTurn[];
  options: ResolvedGenerationOptions;
  signal: AbortSignal;
  lastWindow: ConversationWindow | undefined;
  /** An earlier, stopped run of this response to go on from (after a reload with a larger context). */
  continuation?: { thought: string; answer: string };
  /** Tools, stop strings and an answer format (the local API's requests). */
  tools?: ToolOptions;
  /** `thoughtTokens`: reasoning tokens generated so far, so the app can show the count while it thinks. */
  onDelta: (thought: string, answer: string, thoughtTokens: number) => void;
  onNotice: (message: string) => void;
}

export type GenerateOutput = EngineResult<"generate"> & { window: ConversationWindow | undefined };

/**
 * Writes one response to the conversation's last user turn, streaming reasoning and answer through
 * `onDelta`. Never throws for the generation itself: every ending (cancelled, context full, limits,
 * failures) comes back as a stop reason with the text so far and the metrics.
 */
export async function generateResponse(target: GenerationTarget, input: GenerateInput): Promise<GenerateOutput> {
  const { chat } = target;
  const { options, signal } = input;
  const sequence = chat.sequence;
  const meter = new GenerationMeter(sequence, target);
  const text = new ResponseText((thought, answer) => input.onDelta(thought, answer, meter.thoughtTokens), input.continuation);
  let droppedMessages = 0;
  const finish = (stop: Stop, window?: ConversationWindow, promptTokens?: number): GenerateOutput => {
    text.flush();
    const metrics = meter.metrics(droppedMessages);
    // Nothing was evaluated for a prompt that cannot fit: its size is what was measured instead.
    if (promptTokens !== undefined) Object.assign(metrics, { promptTokens, cachedPromptTokens: 0, contextUsed: 0 });
    return { ...stop, thought: text.thought, answer: text.answer, metrics, window };
  };

  const history = toChatHistory(input.turns, options.systemPrompt, target.systemPromptAllowed);
  const last = history.at(-1);
  // After the client's tool results the model's turn goes on from them; otherwise a question ends the history.
  const afterToolResults = last?.type === "model" && last.response.some((item) => typeof item === "object" && item.type === "functionCall");
  if (!last || (last.type !== "user" && !afterToolResults))
    return finish({ stopReason: "error", message: "The last message must be the user's or a tool's result." });
  const tooLong = promptTooLong(chat, history, sequence.contextSize);
  if (tooLong) return finish({ stopReason: "prompt-too-long", message: tooLong.message }, undefined, tooLong.promptTokens);
  if (input.continuation) history.push(partialResponse(input.continuation));

  const functions = functionsFor(input.tools);
  const grammar = functions ? undefined : await answerGrammar(chat, input.tools);
  const answerStop = new AnswerStop(input.tools?.stop ?? []);
  const windowHistory = input.continuation || afterToolResults ? undefined : continuedWindow(input.lastWindow, input.turns);
  // Aborted when even the current turn alone no longer fits: the response stops there (context-full).
  const exhausted = new AbortController();
  // Aborted at a stop string, or (with an answer format) where the reasoning ends and the grammar takes over.
  let answerReached = new AbortController();
  // Set once the grammar holds the answer (at once when going on from an earlier answer).
  let grammarRunning = Boolean(input.continuation);
  const interruptions: Interruptions = { cancelled: signal, contextExhausted: exhausted.signal, contextSize: sequence.contextSize };
  const onResponseChunk = (chunk: LlamaChatResponseChunk) => {
    if (answerReached.signal.aborted) return;
    if (chunk.type !== "segment" && grammar && !grammarRunning) return answerReached.abort(new Error("Reasoning done"));
    meter.record(chunk);
    if (chunk.type === "segment") return text.push(chunk);
    text.push({ ...chunk, text: answerStop.push(chunk.text) });
    if (answerStop.hit) answerReached.abort(new Error("Stop string"));
  };
  const run = (items: ChatHistoryItem[], withGrammar: boolean) => {
    const common = {
      ...samplingOptions(options, target.family),
      onResponseChunk,
      signal: AbortSignal.any([signal, exhausted.signal, answerReached.signal]),
      stopOnAbortSignal: true,
      lastEvaluationContextWindow: windowHistory ? { history: windowHistory } : undefined,
      contextShift: {
        strategy: keepCurrentTurnStrategy(() => exhausted.abort(new Error("Context full"))),
        lastEvaluationMetadata: windowHistory ? (input.lastWindow?.shiftMetadata as object) : undefined,
      },
    };
    if (!functions) return chat.generateResponse(items, { ...common, grammar: withGrammar ? grammar : undefined });
    const maxParallelFunctionCalls = input.tools?.parallelToolCalls === false ? 1 : undefined;
    return chat.generateResponse(items, { ...common, functions, documentFunctionParams: true, maxParallelFunctionCalls });
  };
  try {
    let response = await run(history, Boolean(input.continuation));
    if (grammar && !input.continuation && answerReached.signal.aborted && !signal.aborted) {
      // The reasoning is done: the answer is written again from there, held to the format's grammar.
      answerReached = new AbortController();
      grammarRunning = true;
      response = await run([...history, partialResponse({ thought: text.thought, answer: "", thoughtEnded: true })], true);
    }
    const held = answerStop.flush();
    if (held) text.push({ type: undefined, segmentType: undefined, text: held, tokens: [] });
    const window = windowAfter(response.lastEvaluation, input.turns, text.answer);
    droppedMessages = countDropped(response.lastEvaluation.cleanHistory, response.lastEvaluation.contextWindow);
    if (droppedMessages > 0) input.onNotice(droppedMessagesNotice(droppedMessages, sequence.contextSize));
    const limits = { maxTokens: options.maxTokens, thinkingBudget: options.thinkingBudget, thoughtTokens: meter.thoughtTokens };
    const toolCalls = toolCallsOf(response);
    const reason = answerStop.hit ? "eogToken" : response.metadata.stopReason;
    const stop = stopOfResponse(reason, interruptions, limits);
    const ended = stop.stopReason === "end" && !text.answer && toolCalls.length === 0 ? unfinishedThought(text.thought) : stop;
    return { ...finish(ended, window), ...(toolCalls.length > 0 ? { toolCalls } : {}) };
  } catch (err) {
    return finish(stopOfFailure(err, interruptions));
  }
}

/** The response so far as the model's turn, left open: node-llama-cpp goes on generating it. */
function partialResponse({ thought, answer, thoughtEnded }: { thought: string; answer: string; thoughtEnded?: boolean }): ChatHistoryItem {
  const response: ChatModelResponse["response"] = [];
  if (thought) response.push({ type: "segment", segmentType: "thought", text: thought, ended: thoughtEnded ?? answer !== "" });
  if (answer) response.push(answer);
  return { type: "model", response };
}

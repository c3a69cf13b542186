import type { ChatHistoryItem, ChatModelResponse, LlamaChat } from "node-llama-cpp";
import type { ChatTurn, ResolvedGenerationOptions } from "../shared/contract/chat.js";
import type { ModelFamily } from "../shared/contract/engine.js";
import type { EngineResult } from "../shared/contract/engine-protocol.js";
import { toChatHistory } from "./chat-history.js";
import { keepCurrentTurnStrategy, promptTooLong } from "./context-shift.js";
import { continuedWindow, countDropped, droppedMessagesNotice, windowAfter, type ConversationWindow } from "./conversation-window.js";
import { GenerationMeter, type Placement } from "./generation-meter.js";
import { ResponseText } from "./response-text.js";
import { samplingOptions } from "./sampling-options.js";
import { stopOfFailure, stopOfResponse, unfinishedThought, type Interruptions, type Stop } from "./stop-reason.js";

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
  const lastUser = history.at(-1);
  if (!lastUser || lastUser.type !== "user") return finish({ stopReason: "error", message: "The last message must be the user's." });
  const tooLong = promptTooLong(chat, history, sequence.contextSize);
  if (tooLong) return finish({ stopReason: "prompt-too-long", message: tooLong.message }, undefined, tooLong.promptTokens);
  if (input.continuation) history.push(partialResponse(input.continuation));

  const windowHistory = input.continuation ? undefined : continuedWindow(input.lastWindow, input.turns);
  // Aborted when even the current turn alone no longer fits: the response stops there (context-full).
  const exhausted = new AbortController();
  const interruptions: Interruptions = { cancelled: signal, contextExhausted: exhausted.signal, contextSize: sequence.contextSize };
  try {
    const response = await chat.generateResponse(history, {
      ...samplingOptions(options, target.family),
      onResponseChunk: (chunk) => {
        meter.record(chunk);
        text.push(chunk);
      },
      signal: AbortSignal.any([signal, exhausted.signal]),
      stopOnAbortSignal: true,
      lastEvaluationContextWindow: windowHistory ? { history: windowHistory } : undefined,
      contextShift: {
        strategy: keepCurrentTurnStrategy(() => exhausted.abort(new Error("Context full"))),
        lastEvaluationMetadata: windowHistory ? (input.lastWindow?.shiftMetadata as object) : undefined,
      },
    });
    const window = windowAfter(response.lastEvaluation, input.turns, text.answer);
    droppedMessages = countDropped(response.lastEvaluation.cleanHistory, response.lastEvaluation.contextWindow);
    if (droppedMessages > 0) input.onNotice(droppedMessagesNotice(droppedMessages, sequence.contextSize));
    const limits = { maxTokens: options.maxTokens, thinkingBudget: options.thinkingBudget, thoughtTokens: meter.thoughtTokens };
    const stop = stopOfResponse(response.metadata.stopReason, interruptions, limits);
    return finish(stop.stopReason === "end" && !text.answer ? unfinishedThought(text.thought) : stop, window);
  } catch (err) {
    return finish(stopOfFailure(err, interruptions));
  }
}

/** The response so far as the model's turn, left open: node-llama-cpp goes on generating it. */
function partialResponse({ thought, answer }: { thought: string; answer: string }): ChatHistoryItem {
  const response: ChatModelResponse["response"] = [];
  if (thought) response.push({ type: "segment", segmentType: "thought", text: thought, ended: answer !== "" });
  if (answer) response.push(answer);
  return { type: "model", response };
}

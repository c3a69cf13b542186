import type { LlamaChat } from "node-llama-cpp";
import type { ChatTurn, ResolvedGenerationOptions } from "../shared/contract/chat.js";
import type { ModelFamily } from "../shared/contract/engine.js";
import type { EngineResult } from "../shared/contract/engine-protocol.js";
import { toChatHistory } from "./chat-history.js";
import { currentTurnTooLong, keepCurrentTurnStrategy } from "./context-shift.js";
import { continuedWindow, countDropped, droppedMessagesNotice, windowAfter, type ConversationWindow } from "./conversation-window.js";
import { GenerationMeter, type Placement } from "./generation-meter.js";
import { ResponseText } from "./response-text.js";
import { samplingOptions } from "./sampling-options.js";
import { stopOfFailure, stopOfResponse, type Interruptions, type Stop } from "./stop-reason.js";

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
  onDelta: (thought: string, answer: string) => void;
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
  const text = new ResponseText(input.onDelta);
  let droppedMessages = 0;
  const finish = (stop: Stop, window?: ConversationWindow): GenerateOutput => {
    text.flush();
    return { ...stop, thought: text.thought, answer: text.answer, metrics: meter.metrics(droppedMessages), window };
  };

  const history = toChatHistory(input.turns, options.systemPrompt, target.systemPromptAllowed);
  const lastUser = history.at(-1);
  if (!lastUser || lastUser.type !== "user") return finish({ stopReason: "error", message: "The last message must be the user's." });
  const tooLong = currentTurnTooLong(chat.model, lastUser.text, sequence.contextSize);
  if (tooLong) return finish({ stopReason: "context-full", message: tooLong });

  const windowHistory = continuedWindow(input.lastWindow, input.turns);
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
    return finish(stopOfResponse(response.metadata.stopReason, interruptions, limits), window);
  } catch (err) {
    return finish(stopOfFailure(err, interruptions));
  }
}

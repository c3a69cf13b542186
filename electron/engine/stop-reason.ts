import type { LlamaChatResponse } from "node-llama-cpp";
import type { StopReason } from "../shared/contract/chat.js";

/** Why a response ended, and what to tell the person about it (null: nothing worth saying). */
export interface Stop {
  stopReason: StopReason;
  message: string | null;
}

/** How the generation was stopped from outside node-llama-cpp's own reasons. */
export interface Interruptions {
  /** The person (or their client) cancelled. */
  cancelled: AbortSignal;
  /** Even the current turn alone no longer fitted into the context. */
  contextExhausted: AbortSignal;
  contextSize: number;
}

/** The stop of a response node-llama-cpp finished. */
export function stopOfResponse(
  reason: LlamaChatResponse["metadata"]["stopReason"],
  interruptions: Interruptions,
  limits: { maxTokens: number | undefined; thinkingBudget: number | undefined; thoughtTokens: number },
): Stop {
  if (reason === "abort" && ranOutOfContext(interruptions)) return { stopReason: "context-full", message: contextFullMessage(interruptions.contextSize) };
  if (reason === "abort") return { stopReason: "aborted", message: null };
  if (reason === "maxTokens") return { stopReason: "max-tokens", message: `Stopped at the limit of ${limits.maxTokens} tokens.` };
  const budget = limits.thinkingBudget;
  if (budget !== undefined && limits.thoughtTokens >= budget) {
    return { stopReason: "budget-reached", message: `The reasoning reached its budget of ${budget} tokens and was cut there; the model then answered.` };
  }
  return { stopReason: "end", message: null };
}

/** The model ended its response inside the reasoning: there is no answer (and none goes into later context). */
export function unfinishedThought(thought: string): Stop {
  if (!thought) return { stopReason: "end", message: null };
  return {
    stopReason: "unfinished-thought",
    message: "The model stopped while still reasoning and gave no answer. Its reasoning is kept above; regenerate to try again.",
  };
}

/** The stop of a response node-llama-cpp threw out of. */
export function stopOfFailure(err: unknown, interruptions: Interruptions): Stop {
  if (ranOutOfContext(interruptions)) return { stopReason: "context-full", message: contextFullMessage(interruptions.contextSize) };
  if (isAbort(err, interruptions.cancelled)) return { stopReason: "aborted", message: null };
  const message = err instanceof Error ? err.message : String(err);
  if (/context size is too small/i.test(message)) {
    return {
      stopReason: "context-full",
      message: `The model's context of ${interruptions.contextSize} tokens is full. Start a new conversation or load the model with a larger context.`,
    };
  }
  return { stopReason: "error", message: `Generation failed: ${message}` };
}

function ranOutOfContext({ cancelled, contextExhausted }: Interruptions): boolean {
  return contextExhausted.aborted && !cancelled.aborted;
}

function isAbort(err: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (err instanceof Error && (err.name === "AbortError" || err === signal.reason));
}

function contextFullMessage(contextSize: number): string {
  return `The response filled the model's context of ${contextSize} tokens and stopped there. Start a new conversation or load the model with a larger context.`;
}

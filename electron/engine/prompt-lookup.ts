import { InputLookupTokenPredictor, type Token } from "node-llama-cpp";
import type { ChatTurn } from "../shared/contract/chat.js";
import { hasAttachments } from "../shared/attachment-prompt.js";

/**
 * Prompt-lookup decoding that predicts only while switched on. A sequence's predictor is fixed when
 * the sequence is made, and the chat keeps one sequence; this one is switched per turn instead,
 * so turns that do not repeat their input pay nothing for it.
 */
export class SwitchedLookupPredictor extends InputLookupTokenPredictor {
  enabled = false;

  override predictTokens(): Token[] {
    return this.enabled ? super.predictTokens() : [];
  }
}

const CODE_FENCE = /^\s*(```|~~~)/m;

/** Turns whose answers tend to repeat their prompt: attached files, or code pasted in a fence. */
export function repeatsInput(turn: ChatTurn): boolean {
  return turn.role === "user" && (hasAttachments(turn) || CODE_FENCE.test(turn.content));
}

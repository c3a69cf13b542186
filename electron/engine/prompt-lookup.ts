import { InputLookupTokenPredictor, type Token, type TokenPredictor } from "node-llama-cpp";
import type { ChatTurn } from "../shared/contract/chat.js";
import { hasAttachments } from "../shared/attachment-prompt.js";
import { DRAFT_LENGTH, DraftLength } from "./adaptive-draft.js";

/**
 * Prompt-lookup decoding that predicts only while switched on. A sequence's predictor is fixed when
 * the sequence is made, and the chat keeps one sequence; this one is switched per turn instead,
 * so turns that do not repeat their input pay nothing for it. The length it offers follows what
 * the target accepts, as a draft model's does.
 */
export class SwitchedLookupPredictor extends InputLookupTokenPredictor {
  enabled = false;
  readonly #length = new DraftLength();

  constructor() {
    super({ predictionLength: { max: DRAFT_LENGTH.max } });
  }

  override reset(options: Parameters<TokenPredictor["reset"]>[0]): void {
    this.#length.follow(options.targetSequence);
    super.reset(options);
  }

  override predictTokens(): Token[] {
    return this.enabled ? super.predictTokens().slice(0, this.#length.next()) : [];
  }
}

const CODE_FENCE = /^\s*(```|~~~)/m;

/** Turns whose answers tend to repeat their prompt: attached files, or code pasted in a fence. */
export function repeatsInput(turn: ChatTurn): boolean {
  return turn.role === "user" && (hasAttachments(turn) || CODE_FENCE.test(turn.content));
}

import { DraftSequenceTokenPredictor, type LlamaContextSequence, type Token, type TokenPredictor } from "node-llama-cpp";

/**
 * Drafted tokens per step: from 1 up to llama.cpp's usual 16. On a CPU a batch of 17 tokens costs
 * about three times a single one (prompt speed is about 5x generation speed, not 17x), so a long
 * draft that is refuted loses more than it could win; the length follows what the target accepts.
 */
export const DRAFT_LENGTH = { min: 1, start: 4, max: 16 } as const;

/** The draft stops early where its own top token is less likely than this (llama.cpp's `--draft-p-min`). */
const MIN_DRAFT_CONFIDENCE = 0.6;

type ResetOptions = Parameters<TokenPredictor["reset"]>[0];
/** node-llama-cpp 3.21.1 keeps the lengths in these fields and reads them on every step. */
type LengthFields = { _minTokens: number; _maxTokens: number };

/**
 * The length of the next draft, from what the target did with the last one: a step whose drafted
 * tokens were all accepted doubles it, a step with a refuted token halves it. It reads the target
 * sequence's counters, so it follows any predictor (draft model or prompt lookup).
 */
export class DraftLength {
  #target: LlamaContextSequence | undefined;
  #seen = { validated: 0, refuted: 0 };
  #length: number = DRAFT_LENGTH.start;

  get current(): number {
    return this.#length;
  }

  follow(target: LlamaContextSequence): void {
    this.#target = target;
    this.#seen = { ...target.tokenPredictions };
  }

  /** Called before each step's draft: judges the last step. */
  next(): number {
    if (!this.#target) return this.#length;
    const { validated, refuted } = this.#target.tokenPredictions;
    const accepted = validated - this.#seen.validated;
    const wrong = refuted - this.#seen.refuted;
    this.#seen = { validated, refuted };
    if (wrong > 0) this.#length = Math.max(DRAFT_LENGTH.min, Math.floor(this.#length / 2));
    else if (accepted >= this.#length) this.#length = Math.min(DRAFT_LENGTH.max, this.#length * 2);
    return this.#length;
  }
}

/**
 * A draft model's predictor whose draft length follows acceptance (`DraftLength`). The target
 * waits for that many drafted tokens (fewer where the draft is unsure), then checks them in one
 * batch; this needs patches/node-llama-cpp+3.21.1.patch, without which every drafted token after
 * the first is refuted.
 */
export class AdaptiveDraftPredictor extends DraftSequenceTokenPredictor {
  readonly #length = new DraftLength();

  constructor(draftSequence: LlamaContextSequence) {
    super(draftSequence, {
      minTokens: DRAFT_LENGTH.start,
      maxTokens: DRAFT_LENGTH.start,
      minConfidence: MIN_DRAFT_CONFIDENCE,
      evaluateOptions: { temperature: 0 },
    });
  }

  /** The length the next step drafts. */
  get length(): number {
    return this.#length.current;
  }

  override async reset(options: ResetOptions): Promise<void> {
    this.#length.follow(options.targetSequence);
    await super.reset(options);
  }

  override predictTokens(): Token[] | Promise<Token[]> {
    const fields = this as unknown as LengthFields;
    fields._minTokens = fields._maxTokens = this.#length.next();
    return super.predictTokens();
  }
}

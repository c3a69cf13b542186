import { refuseWhileBusy } from "../shared/busy.js";
import type { RequestLane } from "../shared/contract/engine.js";
import type { SequenceChat } from "./model-loader.js";

/** One sequence of the context and what it holds. */
export interface SequenceSlot extends SequenceChat {
  readonly index: number;
  busy: boolean;
  /** The conversation whose tokens the sequence holds now (null: none or unknown). */
  owner: string | null;
  /** The last answer's state being written; the sequence is not touched again before it ends. */
  pendingSave: Promise<void>;
  lastUsed: number;
}

/**
 * The context's sequences and who each serves. With one sequence everyone shares it; with more,
 * the app's window has the first to itself (an API client never blocks the person typing) and
 * API clients share the rest. Each sequence keeps the tokens it evaluated last, so a request goes
 * back to the sequence that holds its conversation when that one is free.
 */
export class SequenceSlots {
  readonly #slots: SequenceSlot[];
  #clock = 0;

  constructor(sequences: SequenceChat[]) {
    this.#slots = sequences.map((sequence, index) => ({ ...sequence, index, busy: false, owner: null, pendingSave: Promise.resolve(), lastUsed: 0 }));
  }

  get all(): readonly SequenceSlot[] {
    return this.#slots;
  }

  get busyCount(): number {
    return this.#slots.filter((slot) => slot.busy).length;
  }

  /** The window's sequence (the first). */
  get window(): SequenceSlot {
    return this.#slots[0]!;
  }

  /**
   * Takes a free sequence of the lane: the one holding the conversation, else the least recently
   * used (it holds no conversation worth keeping). A request without a conversation (an API client)
   * takes the most recently used instead: a client's next request usually extends its last prompt,
   * which that sequence still holds, so the prompt cache is reused. "busy" when none is free.
   */
  take(lane: RequestLane, conversationId: string | null): SequenceSlot {
    const free = this.#laneSlots(lane).filter((slot) => !slot.busy);
    const byUse = free.sort((a, b) => a.lastUsed - b.lastUsed);
    const slot = conversationId === null ? byUse.at(-1) : (free.find((s) => s.owner === conversationId) ?? byUse[0]);
    if (!slot) refuseWhileBusy("generate", "generating");
    slot!.busy = true;
    slot!.lastUsed = ++this.#clock;
    return slot!;
  }

  release(slot: SequenceSlot): void {
    slot.busy = false;
  }

  forgetOwners(): void {
    for (const slot of this.#slots) slot.owner = null;
  }

  #laneSlots(lane: RequestLane): SequenceSlot[] {
    if (this.#slots.length === 1) return this.#slots;
    return lane === "window" ? this.#slots.slice(0, 1) : this.#slots.slice(1);
  }
}

import type { LogRecord } from "./records.js";

/**
 * Streamed answer text waiting to be written. Tokens arrive far faster than lines are worth
 * writing, so deltas are joined per message and written as one "tok" record every `intervalMs`.
 */
export class StreamBuffer {
  readonly #pending = new Map<string, { t: string; a: string }>();
  #timer: NodeJS.Timeout | null = null;
  readonly #intervalMs: number;
  readonly #write: (records: LogRecord[]) => void;

  constructor(intervalMs: number, write: (records: LogRecord[]) => void) {
    this.#intervalMs = intervalMs;
    this.#write = write;
  }

  add(messageId: string, delta: { thought?: string; answer?: string }): void {
    const pending = this.#pending.get(messageId) ?? { t: "", a: "" };
    pending.t += delta.thought ?? "";
    pending.a += delta.answer ?? "";
    this.#pending.set(messageId, pending);
    if (!this.#timer) this.#timer = setTimeout(() => this.flush(), this.#intervalMs);
  }

  /** Writes buffered text now (all of it, or one message's). */
  flush(onlyMessageId?: string): void {
    const records: LogRecord[] = [];
    for (const [id, pending] of this.#pending) {
      if (onlyMessageId !== undefined && id !== onlyMessageId) continue;
      records.push({ k: "tok", id, ...(pending.t ? { t: pending.t } : {}), ...(pending.a ? { a: pending.a } : {}) });
      this.#pending.delete(id);
    }
    if (this.#pending.size === 0 && this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    this.#write(records);
  }

  /** Forgets one message's buffered text (its message is gone). */
  drop(messageId: string): void {
    this.#pending.delete(messageId);
  }

  /** Forgets everything buffered: a compaction is about to write the full text anyway. */
  discard(): void {
    this.#pending.clear();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}

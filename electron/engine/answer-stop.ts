/**
 * A client's stop strings, watched in the answer only (never in the reasoning): text that may be
 * the start of a stop string is held back until it is known not to be; at a stop string the
 * answer ends before it.
 */
export class AnswerStop {
  #held = "";
  #hit = false;

  constructor(private readonly stops: readonly string[]) {}

  get hit(): boolean {
    return this.#hit;
  }

  /** The text that may go out now; after a hit, nothing more. */
  push(text: string): string {
    if (this.#hit) return "";
    if (this.stops.length === 0) return text;
    const pending = this.#held + text;
    let cut = -1;
    for (const stop of this.stops) {
      const at = pending.indexOf(stop);
      if (at !== -1 && (cut === -1 || at < cut)) cut = at;
    }
    if (cut !== -1) {
      this.#hit = true;
      this.#held = "";
      return pending.slice(0, cut);
    }
    const keep = this.heldLength(pending);
    this.#held = pending.slice(pending.length - keep);
    return pending.slice(0, pending.length - keep);
  }

  /** What was held back, once the answer ended without a stop string. */
  flush(): string {
    const rest = this.#held;
    this.#held = "";
    return this.#hit ? "" : rest;
  }

  /** The longest end of `text` that begins some stop string. */
  private heldLength(text: string): number {
    let longest = 0;
    for (const stop of this.stops)
      for (let length = Math.min(stop.length - 1, text.length); length > longest; length--)
        if (stop.startsWith(text.slice(text.length - length))) {
          longest = length;
          break;
        }
    return longest;
  }
}

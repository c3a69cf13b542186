/**
 * Which finished blocks of a long trace are in the DOM. While the live tail is followed only the
 * last `size` blocks are, so a 20,000-token trace costs what a short one does; reading upward
 * brings earlier ones back.
 */
export class TraceWindow {
  #from = $state(0);

  constructor(readonly size = 40) {}

  get from(): number {
    return this.#from;
  }

  /** Keeps the window on the newest blocks (while following the live tail). */
  follow(blockCount: number): void {
    this.#from = Math.max(0, blockCount - this.size);
  }

  /** Brings back earlier blocks; false when all are shown already. */
  extendUp(): boolean {
    if (this.#from === 0) return false;
    this.#from = Math.max(0, this.#from - this.size * 2);
    return true;
  }

  showAll(): void {
    this.#from = 0;
  }
}

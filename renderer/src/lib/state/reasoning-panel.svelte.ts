export type ReasoningPhase = "thinking" | "answering" | "done";

/**
 * How one message's reasoning panel behaves: open while the model thinks, collapsed when the answer
 * starts (unless pinned open), following the tail of the trace unless the person scrolled up.
 */
export class ReasoningPanel {
  #phase = $state<ReasoningPhase>("thinking");
  #expanded = $state(true);
  #pinned = $state(false);
  #followTail = $state(true);
  #findQuery = $state("");

  constructor(phase: ReasoningPhase = "thinking") {
    this.#phase = phase;
    this.#expanded = phase === "thinking";
  }

  get phase(): ReasoningPhase {
    return this.#phase;
  }

  get expanded(): boolean {
    return this.#expanded;
  }

  get pinned(): boolean {
    return this.#pinned;
  }

  get followTail(): boolean {
    return this.#followTail;
  }

  /** What the trace's find box holds; the box binds to it. */
  get findQuery(): string {
    return this.#findQuery;
  }

  set findQuery(value: string) {
    this.#findQuery = value;
  }

  toggle(): void {
    this.#expanded = !this.#expanded;
    if (!this.#expanded) this.#pinned = false;
  }

  /** Pinning keeps the panel open when the answer starts. */
  togglePin(): void {
    this.#pinned = !this.#pinned;
    if (this.#pinned) this.#expanded = true;
  }

  answerStarted(): void {
    if (this.#phase !== "thinking") return;
    this.#phase = "answering";
    if (!this.#pinned) this.#expanded = false;
  }

  finished(): void {
    if (this.#phase === "thinking" && !this.#pinned) this.#expanded = false;
    this.#phase = "done";
  }

  /** Called on scroll: following resumes when the person is back at the bottom. */
  scrolled(distanceFromBottom: number): void {
    this.#followTail = distanceFromBottom < 24;
  }
}

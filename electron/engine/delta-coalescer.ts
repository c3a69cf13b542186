/**
 * Turns a token-by-token stream of thought and answer text into few messages: the first piece goes
 * out at once (time to first token must not wait), later pieces at most every `intervalMs`.
 */
export class DeltaCoalescer {
  private thought = "";
  private answer = "";
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastFlushAt = -Infinity;

  constructor(
    private readonly emit: (thought: string, answer: string) => void,
    private readonly intervalMs = 16,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(thought: string, answer: string): void {
    this.thought += thought;
    this.answer += answer;
    if (!this.thought && !this.answer) return;
    if (this.timer) return;
    const wait = this.lastFlushAt + this.intervalMs - this.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Sends what is pending now (call before the final result so no text arrives after it). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.thought && !this.answer) return;
    const thought = this.thought;
    const answer = this.answer;
    this.thought = "";
    this.answer = "";
    this.lastFlushAt = this.now();
    this.emit(thought, answer);
  }
}

import { AppError } from "../kernel/errors.js";

/**
 * Cancels a remote request when the server stays silent too long. Each `expect` sets how long the
 * next sign of life may take (headers, the first token, the next token) and what to say if it does
 * not come; `signal` aborts the request then (and also when the person's own signal does).
 */
export class SilenceWatch {
  readonly #controller = new AbortController();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #failure: AppError | undefined;

  constructor(cancelled?: AbortSignal) {
    if (cancelled) {
      if (cancelled.aborted) this.#controller.abort(cancelled.reason);
      else cancelled.addEventListener("abort", () => this.#controller.abort(cancelled.reason), { once: true });
    }
  }

  /** Aborted by the person's Stop or by a silence that lasted too long. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Why the watch cancelled the request, if it did. */
  get failure(): AppError | undefined {
    return this.#failure;
  }

  expect(withinMs: number, message: string, reason: "timeout" | "stalled"): void {
    this.stopTimer();
    if (this.#controller.signal.aborted) return;
    this.#timer = setTimeout(() => {
      this.#failure = new AppError("unavailable", message, { reason, retryable: true });
      this.#controller.abort(this.#failure);
    }, withinMs);
  }

  stop(): void {
    this.stopTimer();
  }

  private stopTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

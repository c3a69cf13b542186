import { AppError } from "../kernel/errors.js";
import { networkError } from "./errors.js";

export interface RetrySettings {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetrySettings = { maxAttempts: 8, baseDelayMs: 1000, maxDelayMs: 60_000 };

/** How a download shows its retries: the wait, then the next attempt starting, then success. */
export interface RetryHooks {
  /** A retryable failure: `message` says what failed and when attempt `nextAttempt` starts. */
  waiting(message: string, nextAttempt: number): Promise<void>;
  /** The wait is over; the next attempt starts. */
  resumed(): Promise<void>;
  succeeded(): Promise<void>;
}

/** Marks a failed attempt that still moved some bytes: the retry count starts over after it. */
export function withProgressFlag(error: AppError, progressed: boolean): AppError {
  return Object.assign(error, { progressed });
}

function madeProgress(err: unknown): boolean {
  return (err as { progressed?: boolean }).progressed === true;
}

/**
 * Runs an attempt until it succeeds, retrying retryable failures with exponential backoff and
 * jitter. The count resets whenever an attempt made progress, so many drops over a long download
 * are fine while a server that fails every time is given up on after a few tries.
 */
export class RetryPolicy {
  constructor(private readonly settings: RetrySettings) {}

  async run(attempt: () => Promise<unknown>, context: { signal: AbortSignal; url: string; hooks: RetryHooks }): Promise<void> {
    const { signal, hooks } = context;
    const { maxAttempts } = this.settings;
    let failures = 0;
    for (;;) {
      try {
        await attempt();
        await hooks.succeeded();
        return;
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        const error = networkError(err, context.url);
        if (!error.retryable) throw error;
        failures = madeProgress(err) ? 1 : failures + 1;
        if (failures >= maxAttempts) {
          throw new AppError(error.code, `${error.message} Gave up after ${failures} attempts; press Resume to try again.`, {
            reason: error.reason,
            cause: error,
          });
        }
        const delay = this.delayMs(failures);
        await hooks.waiting(
          `${error.message} Retrying in ${Math.max(1, Math.round(delay / 1000))} s (attempt ${failures + 1} of ${maxAttempts}).`,
          failures + 1,
        );
        await sleep(delay, signal);
        await hooks.resumed();
      }
    }
  }

  private delayMs(failures: number): number {
    const { baseDelayMs, maxDelayMs } = this.settings;
    return Math.min(maxDelayMs, baseDelayMs * 2 ** (failures - 1)) * (0.75 + Math.random() * 0.5);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((ok, fail) => {
    if (signal.aborted) return fail(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      ok();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      fail(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

import { AppError } from "../kernel/errors.js";

/**
 * A request refused because every sequence is answering and the queue behind them is full: "busy"
 * (429 at the local API) with when trying again is worth it, sent as `Retry-After`.
 */
export class QueueFullError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super("busy", message, { reason: "queue-full", retryable: true });
  }
}

import { AppError, type CallError } from "../../shared/errors.js";

export { AppError, type CallError };
export type { ErrorCode } from "../../shared/errors.js";

export type CallOutcome = { ok: true; value: unknown } | { ok: false; error: CallError };

/** The one place a thrown value becomes what a caller sees: an AppError keeps its code. */
export function toCallError(err: unknown): CallError {
  return AppError.from(err).toWire();
}

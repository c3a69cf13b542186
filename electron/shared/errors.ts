import { z } from "zod";

/**
 * Every failure the app reports, from the engine process to the screen, carries one of these codes.
 * The engine sends them, the core passes them through unchanged, the wire carries them, the local
 * API derives its HTTP status from them, and the renderer can act on them.
 */
export const ErrorCode = z.enum([
  /** The request itself is wrong (malformed payload, bad path, unknown source); fix it and retry. */
  "bad-request",
  /** The call's name is not in the contract. */
  "unknown-call",
  /** What was asked for does not exist (conversation, catalog variant, file on a hub). */
  "not-found",
  /** Something else is running that this would collide with (a load, a generation). */
  "busy",
  /** A response was asked for but no model is loaded. */
  "not-loaded",
  /** The work was cancelled by the person (or their client went away). */
  "cancelled",
  /** The chosen GPU backend has no binary for this machine. */
  "backend-missing",
  /** The inference engine process died during the work. */
  "crashed",
  /** A remote server refused the credentials (missing or wrong token). */
  "unauthorized",
  /** A remote server refused access with valid credentials. */
  "forbidden",
  /** Not enough disk space. */
  "disk-full",
  /** The service is not there right now (connection lost, server not running). */
  "unavailable",
  /** Anything else: the message says what happened. */
  "failed",
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** The wire form of an error: what a transport carries and what a caller sees. */
export const CallError = z.object({ code: ErrorCode, message: z.string() });
export type CallError = z.infer<typeof CallError>;

/**
 * The app's one error type: a message written for a person, a code a program can act on, and
 * optionally a finer `reason` (a download's "stalled", "size-mismatch", …) and whether trying again
 * may help. Anything thrown that is not an AppError is reported with code "failed".
 */
export class AppError extends Error {
  override readonly name = "AppError";

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { reason?: string; retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }

  get reason(): string | undefined {
    return this.details.reason;
  }

  get retryable(): boolean {
    return this.details.retryable ?? false;
  }

  /** Any thrown value as an AppError: AppErrors pass unchanged, the rest become "failed". */
  static from(err: unknown, code: ErrorCode = "failed"): AppError {
    if (err instanceof AppError) return err;
    return new AppError(code, err instanceof Error ? err.message : String(err), { cause: err });
  }

  toWire(): CallError {
    return { code: this.code, message: this.message };
  }
}

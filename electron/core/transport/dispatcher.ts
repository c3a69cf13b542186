import { z } from "zod";
import { calls, isCallName, type CallName, type CallRequest, type CallResponse, type EventName, type EventPayload } from "../../shared/contract/index.js";
import { AppError, type CallError } from "../../shared/errors.js";

export type Handler<K extends CallName> = (request: z.output<(typeof calls)[K]["request"]>) => Promise<CallResponse<K>> | CallResponse<K>;
export type Handlers = { [K in CallName]: Handler<K> };
export type PartialHandlers = Partial<Handlers>;

export type CallOutcome = { ok: true; value: unknown } | { ok: false; error: CallError };

/** Raised by handlers for failures a person should read as-is (not a bug). */
export class UserFacingError extends Error {
  constructor(message: string, readonly code: CallError["code"] = "failed") {
    super(message);
  }
}

/**
 * The core's single entry point for untrusted calls from any transport: the name must be in the
 * contract and the payload must parse, or the caller gets a clear error and nothing runs.
 */
export class Dispatcher {
  constructor(private readonly handlers: Handlers) {}

  async dispatch(name: unknown, payload: unknown): Promise<CallOutcome> {
    if (!isCallName(name)) {
      return { ok: false, error: { code: "unknown-call", message: `Unknown call ${JSON.stringify(String(name)).slice(0, 80)}.` } };
    }
    const parsed = calls[name].request.safeParse(payload === undefined ? {} : payload);
    if (!parsed.success) {
      return { ok: false, error: { code: "bad-request", message: `Malformed "${name}" request: ${describeIssues(parsed.error)}` } };
    }
    try {
      const handler = this.handlers[name] as (req: unknown) => unknown;
      const value = await handler(parsed.data);
      return { ok: true, value };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const code = err instanceof UserFacingError || err instanceof AppError ? err.code : "failed";
      return { ok: false, error: { code, message } };
    }
  }
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "(payload)"}: ${issue.message}`)
    .join("; ");
}

export type EventSink = <K extends EventName>(name: K, payload: EventPayload<K>) => void;
export type { CallRequest };

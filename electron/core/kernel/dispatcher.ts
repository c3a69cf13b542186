import { describeIssues } from "./zod-issues.js";
import type { z } from "zod";
import { calls, callNames, isCallName, type CallName, type CallResponse } from "../../shared/contract/index.js";
import { toCallError, type CallOutcome } from "./errors.js";
import { silentLog, type CoreLog } from "./log-file.js";

export type Handler<K extends CallName> = (request: z.output<(typeof calls)[K]["request"]>) => Promise<CallResponse<K>> | CallResponse<K>;
export type Handlers = { [K in CallName]: Handler<K> };
export type PartialHandlers = Partial<Handlers>;

/**
 * The core's single entry point for untrusted calls from any transport: the name must be in the
 * contract and the payload must parse, or the caller gets a clear error and nothing runs.
 */
export class Dispatcher {
  readonly #handlers: Handlers;
  readonly #log: CoreLog;

  constructor(handlers: Handlers, log: CoreLog = silentLog) {
    this.#handlers = handlers;
    this.#log = log;
  }

  /** The whole app's dispatcher: refuses to exist when a contract call has no handler, so a gap shows at start. */
  static complete(handlers: PartialHandlers, log: CoreLog = silentLog): Dispatcher {
    const missing = callNames.filter((name) => !handlers[name]);
    if (missing.length) throw new Error(`No handler for: ${missing.join(", ")}`);
    return new Dispatcher(handlers as Handlers, log);
  }

  async dispatch(name: unknown, payload: unknown): Promise<CallOutcome> {
    if (!isCallName(name)) {
      return { ok: false, error: { code: "unknown-call", message: `Unknown call ${JSON.stringify(String(name)).slice(0, 80)}.` } };
    }
    const parsed = calls[name].request.safeParse(payload === undefined ? {} : payload);
    if (!parsed.success) {
      return { ok: false, error: { code: "bad-request", message: `Malformed "${name}" request: ${describeIssues(parsed.error)}` } };
    }
    try {
      const handler = this.#handlers[name] as (req: unknown) => unknown;
      return { ok: true, value: await handler(parsed.data) };
    } catch (err) {
      // The caller sees "failed" with the message; the stack goes to the log, where it can be read.
      this.#log.unexpected(`call ${name}`, err);
      return { ok: false, error: toCallError(err) };
    }
  }
}

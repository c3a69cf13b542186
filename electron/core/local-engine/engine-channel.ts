import { EngineMethods, EngineToCore, type EngineMethod, type EngineParams, type EngineResult } from "../../shared/contract/engine-protocol.js";
import { AppError } from "../kernel/errors.js";
import type { EngineProcess } from "./launcher.js";

/** A message about one running operation (load progress, streamed text, notices). */
export type OperationMessage = Extract<EngineToCore, { opId: string }>;

interface PendingCall {
  method: EngineMethod;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

/**
 * Typed calls to one engine process. Every message from it is schema-checked (it may be another
 * build, or half-dead): answers settle the call with their id, operation messages go to whoever
 * listens to their opId. One channel per process; a restarted engine gets a new one.
 */
export class EngineChannel {
  private nextId = 1;
  private readonly pending = new Map<number, PendingCall>();
  private readonly operationListeners = new Map<string, (message: OperationMessage) => void>();
  private closedWith: Error | undefined;

  constructor(
    private readonly process: EngineProcess,
    /** Called when the process says it is ready for calls. */
    private readonly onReady: () => void,
  ) {
    process.onMessage((raw) => this.receive(raw));
  }

  /** One call, answered by exactly one result or error; engine errors arrive as AppErrors with the engine's code. */
  call<M extends EngineMethod>(method: M, params: EngineParams<M>): Promise<EngineResult<M>> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const id = this.nextId++;
    return new Promise<EngineResult<M>>((resolve, reject) => {
      this.pending.set(id, { method, resolve: resolve as (value: unknown) => void, reject });
      this.process.send({ kind: "call", id, method, params });
    });
  }

  /** Sends this operation's messages to `listener` until the returned function is called. */
  listen(opId: string, listener: (message: OperationMessage) => void): () => void {
    this.operationListeners.set(opId, listener);
    return () => this.operationListeners.delete(opId);
  }

  /** Asks the engine to abort the load or generation started with this opId. */
  cancel(opId: string): void {
    this.process.send({ kind: "cancel", opId });
  }

  /** The process is gone: every call still waiting fails with `err`, and so do later ones. */
  close(err: Error): void {
    this.closedWith = err;
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const call of calls) call.reject(err);
  }

  private receive(raw: unknown): void {
    const parsed = EngineToCore.safeParse(raw);
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.kind === "ready") this.onReady();
    else if (message.kind === "result" || message.kind === "error") this.settle(message);
    else this.operationListeners.get(message.opId)?.(message);
  }

  private settle(message: Extract<EngineToCore, { kind: "result" | "error" }>): void {
    const call = this.pending.get(message.id);
    if (!call) return;
    this.pending.delete(message.id);
    if (message.kind === "error") {
      call.reject(new AppError(message.error.code, message.error.message));
      return;
    }
    const value = EngineMethods[call.method].result.safeParse(message.value);
    if (value.success) call.resolve(value.data);
    else call.reject(new Error(`The engine answered ${call.method} with something unexpected: ${value.error.message}`));
  }
}

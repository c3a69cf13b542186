import type { CrashReport } from "../../shared/contract/engine.js";
import type { EngineResult } from "../../shared/contract/engine-protocol.js";
import type { GenerateDone, GenerateEvent, GenerateRequest } from "../generation/generation-engine.js";
import { crashReportOf } from "./crash-report.js";
import type { OperationMessage } from "./engine-channel.js";

/** A response's end as the local engine reports it: the generation interface's, with what only a local process has. */
export type LocalGenerateDone = GenerateDone & {
  /** The engine process died during the response (stop reason "crashed"). */
  crash: CrashReport | null;
  /** Tokens that came from the conversation's saved context instead of being evaluated again. */
  restoredStateTokens?: number | null;
};

export type LocalGenerateEvent = Exclude<GenerateEvent, GenerateDone> | LocalGenerateDone;

export interface LocalGenerateRequest extends GenerateRequest {
  /** Where the conversation's saved context is read from and written to (see EngineService). */
  state?: { load: string | null; save: string | null };
}

/**
 * The events of one generation on their way to a consumer that may be slower than the engine:
 * deltas that pile up merge into one, and exactly one `done` ends the stream — with the text so far
 * when the call failed or the engine crashed.
 */
export class GenerateStream {
  private readonly queue: LocalGenerateEvent[] = [];
  private wake: (() => void) | undefined;
  private thought = "";
  private answer = "";
  private settled = false;

  /** Whether the engine's call has ended (a result or a failure). */
  get finished(): boolean {
    return this.settled;
  }

  /** One engine message about this generation. */
  receive(message: OperationMessage): void {
    if (message.kind === "delta") {
      this.thought += message.thought;
      this.answer += message.answer;
      this.push({ type: "delta", thought: message.thought, answer: message.answer, thoughtTokens: message.thoughtTokens });
    } else if (message.kind === "notice" && message.message) {
      this.push({ type: "notice", message: message.message });
    }
  }

  succeed(result: EngineResult<"generate">): void {
    this.settled = true;
    this.push({ type: "done", crash: null, ...result });
  }

  fail(err: unknown): void {
    this.settled = true;
    const crash = crashReportOf(err);
    const message = err instanceof Error ? err.message : String(err);
    this.push({ type: "done", stopReason: crash ? "crashed" : "error", thought: this.thought, answer: this.answer, metrics: null, message, crash });
  }

  /** Yields the events as they come, up to and including `done`. */
  async *events(): AsyncGenerator<LocalGenerateEvent, void, undefined> {
    while (true) {
      if (this.queue.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
      const event = this.queue.shift();
      if (!event) continue;
      yield event;
      if (event.type === "done") return;
    }
  }

  private push(event: LocalGenerateEvent): void {
    const last = this.queue.at(-1);
    if (event.type === "delta" && last?.type === "delta") {
      last.thought += event.thought;
      last.answer += event.answer;
      last.thoughtTokens = event.thoughtTokens ?? last.thoughtTokens;
    } else this.queue.push(event);
    this.wake?.();
  }
}

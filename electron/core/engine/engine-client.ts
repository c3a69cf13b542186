import { randomUUID } from "node:crypto";
import type { ChatTurn, ResolvedGenerationOptions } from "../../shared/contract/chat.js";
import type { BackendChoice, BackendInfo, CrashReport, EngineState, EngineStatus, LoadedModel } from "../../shared/contract/engine.js";
import {
  EngineMethods,
  EngineToCore,
  type EngineErrorCode,
  type EngineMethod,
  type EngineParams,
  type EngineResult,
} from "../../shared/contract/engine-protocol.js";
import type { EngineLauncher, EngineProcess } from "./launcher.js";

/** A failure the engine reported, with its code ("busy", "cancelled", "backend-missing", …). */
export class EngineCallError extends Error {
  constructor(
    message: string,
    readonly code: EngineErrorCode,
  ) {
    super(message);
  }
}

export class EngineCrashedError extends Error {
  constructor(readonly report: CrashReport) {
    super(report.message);
  }
}

export type GenerateEvent =
  | { type: "delta"; thought: string; answer: string }
  | { type: "notice"; message: string }
  | ({ type: "done"; crash: CrashReport | null } & EngineResult<"generate">)
  | { type: "done"; stopReason: "crashed" | "error"; thought: string; answer: string; metrics: null; message: string; crash: CrashReport | null };

export interface GenerateRequest {
  conversationId?: string | null;
  turns: ChatTurn[];
  options: ResolvedGenerationOptions;
}

export interface LoadParams {
  path: string;
  contextSize: number;
  gpuLayers: number | "auto";
  backend?: BackendChoice;
  threads?: number;
  family?: EngineParams<"load">["family"];
}

export interface EngineClientOptions {
  launcher: EngineLauncher;
  /** Told about every crash, after the restart was attempted. */
  onCrash?: (report: CrashReport) => void;
  /** At most this many automatic restarts within `restartWindowMs` (a crash loop stops there). */
  maxRestarts?: number;
  restartWindowMs?: number;
}

interface Pending {
  method: EngineMethod;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

type OpListener = (message: EngineToCore) => void;

const stderrLinesKept = 30;

/**
 * The core's side of the engine process: typed calls over the message channel, cancellation that
 * crosses into the engine, and automatic restart (with the model reloaded) when the engine dies.
 */
export class EngineClient {
  private process: EngineProcess | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly opListeners = new Map<string, OpListener>();
  private readonly stderrTail: string[] = [];
  private closing = false;
  private restarting: Promise<void> | undefined;
  private readonly crashTimes: number[] = [];

  private state: EngineState = "stopped";
  private model: LoadedModel | null = null;
  private loadingPath: string | null = null;
  private lastLoad: LoadParams | null = null;
  private backend: BackendInfo | null = null;
  private backendChoice: BackendChoice = "auto";
  private threads: number | undefined;
  private currentOperation: string | null = null;
  private lastCrash: CrashReport | null = null;

  constructor(private readonly options: EngineClientOptions) {}

  get pid(): number | undefined {
    return this.process?.pid;
  }

  status(): EngineStatus {
    return { state: this.restarting ? "restarting" : this.state, model: this.model, backend: this.backend, lastCrash: this.lastCrash };
  }

  get loadedModel(): LoadedModel | null {
    return this.model;
  }

  get isGenerating(): boolean {
    return this.state === "generating";
  }

  /** The backend and threads the next start (and restarts) use. */
  configure(settings: { backend?: BackendChoice; threads?: number | undefined }): void {
    if (settings.backend) this.backendChoice = settings.backend;
    if ("threads" in settings) this.threads = settings.threads;
  }

  /** Starts the engine process if it is not running; resolves when it is ready for calls. */
  async start(): Promise<void> {
    if (this.closing) throw new Error("The engine is shutting down.");
    if (this.restarting) await this.restarting;
    if (!this.ready) this.ready = this.spawn();
    await this.ready;
  }

  private spawn(): Promise<void> {
    this.state = "starting";
    const child = this.options.launcher.launch();
    this.process = child;
    let readyResolve!: () => void;
    let readyReject!: (err: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      readyResolve = resolve;
      readyReject = reject;
    });
    child.onStderr((text) => {
      for (const line of text.split("\n")) if (line.trim()) this.stderrTail.push(line);
      this.stderrTail.splice(0, Math.max(0, this.stderrTail.length - stderrLinesKept));
    });
    child.onMessage((raw) => {
      const parsed = EngineToCore.safeParse(raw);
      if (!parsed.success) return;
      const message = parsed.data;
      if (message.kind === "ready") {
        this.state = this.model ? "ready" : "idle";
        readyResolve();
      } else if (message.kind === "result" || message.kind === "error") {
        const entry = this.pending.get(message.id);
        if (!entry) return;
        this.pending.delete(message.id);
        if (message.kind === "error") entry.reject(new EngineCallError(message.error.message, message.error.code));
        else {
          const value = EngineMethods[entry.method].result.safeParse(message.value);
          if (value.success) entry.resolve(value.data);
          else entry.reject(new Error(`The engine answered ${entry.method} with something unexpected: ${value.error.message}`));
        }
      } else {
        this.opListeners.get(message.opId)?.(message);
      }
    });
    child.onExit((exit) => {
      if (this.process !== child) return;
      this.process = undefined;
      this.ready = undefined;
      readyReject(new Error(`The engine process exited before it was ready (${exit.signal ?? `code ${exit.code}`}).`));
      if (this.closing) {
        this.state = "stopped";
        this.rejectAll(new Error("The engine was shut down."));
        return;
      }
      this.handleCrash(exit.code, exit.signal);
    });
    return ready;
  }

  private rejectAll(err: Error): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const entry of entries) entry.reject(err);
  }

  private handleCrash(code: number | null, signal: string | null): void {
    const lastModel = this.loadingPath ?? this.model?.path ?? null;
    const lastOperation = this.currentOperation;
    const crashedWhileLoading = lastOperation === "load";
    const now = Date.now();
    const window = this.options.restartWindowMs ?? 60_000;
    while (this.crashTimes.length && now - this.crashTimes[0]! > window) this.crashTimes.shift();
    this.crashTimes.push(now);
    const mayRestart = this.crashTimes.length <= (this.options.maxRestarts ?? 3);
    const tail = this.stderrTail.slice(-5).join("\n");
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const report: CrashReport = {
      exitCode: code,
      signal,
      lastModel,
      lastOperation,
      at: new Date(now).toISOString(),
      message:
        `The inference engine stopped unexpectedly (it ${how}${lastOperation ? ` while ${describeOperation(lastOperation)}` : ""}${lastModel ? `, model ${lastModel}` : ""}).` +
        (mayRestart ? " It was restarted." : " It crashed repeatedly and was not restarted; load a model to try again.") +
        (tail ? `\nLast engine messages:\n${tail}` : ""),
      restarted: mayRestart,
    };
    this.lastCrash = report;
    this.rejectAll(new EngineCrashedError(report));
    const reload = !crashedWhileLoading && this.model ? this.lastLoad : null;
    this.model = null;
    this.loadingPath = null;
    this.currentOperation = null;
    this.state = "stopped";
    if (!mayRestart) {
      this.options.onCrash?.(report);
      return;
    }
    this.state = "restarting";
    const restart = (async () => {
      this.ready = this.spawn();
      await this.ready;
      await this.call("init", { backend: this.backendChoice, threads: this.threads });
      // The model that was loaded comes back; one that crashed the engine while loading does not.
      if (reload) await this.loadInternal(reload, undefined, () => undefined);
    })();
    let told = report;
    this.restarting = restart
      .catch((err: unknown) => {
        this.state = this.process ? "idle" : "stopped";
        const why = err instanceof Error ? err.message : String(err);
        told = { ...report, restarted: Boolean(this.process), message: `${report.message}\nBringing it back failed: ${why}` };
        this.lastCrash = told;
      })
      .finally(() => {
        this.restarting = undefined;
      });
    void this.restarting.then(() => this.options.onCrash?.(told));
  }

  /** Resolves when an automatic restart (and model reload) has finished. */
  async whenRestarted(): Promise<void> {
    await this.restarting;
  }

  private async call<M extends EngineMethod>(method: M, params: EngineParams<M>): Promise<EngineResult<M>> {
    if (!this.process || !this.ready) throw new Error("The engine is not running.");
    await this.ready;
    const child = this.process;
    const id = this.nextId++;
    return new Promise<EngineResult<M>>((resolve, reject) => {
      this.pending.set(id, { method, resolve: resolve as (value: unknown) => void, reject });
      child.send({ kind: "call", id, method, params });
    });
  }

  /** A call after making sure the engine runs (waiting out a restart in progress). */
  private async callStarted<M extends EngineMethod>(method: M, params: EngineParams<M>): Promise<EngineResult<M>> {
    await this.start();
    return this.call(method, params);
  }

  async backendInfo(choice?: BackendChoice): Promise<BackendInfo> {
    if (choice) this.backendChoice = choice;
    const info = await this.callStarted("init", { backend: this.backendChoice, threads: this.threads });
    this.backend = info;
    return info;
  }

  async load(params: LoadParams, options: { signal?: AbortSignal; onProgress?: (progress: number) => void } = {}): Promise<LoadedModel> {
    await this.start();
    if (this.state === "loading") throw new EngineCallError("A model is already being loaded; wait for it or cancel it first.", "busy");
    if (this.state === "generating") throw new EngineCallError("A response is being generated; stop it before loading another model.", "busy");
    return this.loadInternal(params, options.signal, options.onProgress ?? (() => undefined));
  }

  private async loadInternal(params: LoadParams, signal: AbortSignal | undefined, onProgress: (progress: number) => void): Promise<LoadedModel> {
    if (signal?.aborted) throw new EngineCallError("Loading was cancelled.", "cancelled");
    const opId = `load-${randomUUID()}`;
    const backend = params.backend ?? this.backendChoice;
    const previousState = this.state;
    this.state = "loading";
    this.loadingPath = params.path;
    this.currentOperation = "load";
    this.opListeners.set(opId, (message) => {
      if (message.kind === "loadProgress") onProgress(message.progress);
    });
    const onAbort = () => this.process?.send({ kind: "cancel", opId });
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      this.model = null;
      const model = await this.call("load", { ...params, backend, threads: params.threads ?? this.threads, opId });
      this.model = model;
      this.lastLoad = { ...params, backend };
      this.backendChoice = backend;
      this.state = "ready";
      return model;
    } catch (err) {
      if (!(err instanceof EngineCrashedError)) this.state = previousState === "ready" && this.model ? "ready" : "idle";
      throw err;
    } finally {
      signal?.removeEventListener("abort", onAbort);
      this.opListeners.delete(opId);
      if (this.loadingPath === params.path) this.loadingPath = null;
      if (this.currentOperation === "load") this.currentOperation = null;
    }
  }

  async unload(): Promise<{ unloaded: boolean; path: string | null }> {
    if (!this.process) {
      this.model = null;
      return { unloaded: false, path: null };
    }
    const result = await this.callStarted("unload", {});
    this.model = null;
    this.lastLoad = null;
    this.state = "idle";
    return result;
  }

  async memory(): Promise<EngineResult<"memory">> {
    return this.callStarted("memory", {});
  }

  async inspectContext(): Promise<EngineResult<"inspectContext">> {
    return this.callStarted("inspectContext", {});
  }

  /**
   * Streams one response: `delta` events (coalesced by the engine, merged further here if the
   * consumer falls behind), `notice`s, then exactly one `done` — also when the engine crashes, with
   * the text streamed so far and stop reason "crashed".
   */
  async *generate(request: GenerateRequest, signal?: AbortSignal): AsyncGenerator<GenerateEvent, void, undefined> {
    await this.start();
    if (!this.model) throw new EngineCallError("No model is loaded. Load a model first.", "not-loaded");
    if (this.state === "generating") throw new EngineCallError("A response is already being generated. Wait for it or stop it first.", "busy");
    if (this.state === "loading") throw new EngineCallError("A model is being loaded; wait for it to finish.", "busy");

    const opId = `gen-${randomUUID()}`;
    const queue: GenerateEvent[] = [];
    let wake: (() => void) | undefined;
    const push = (event: GenerateEvent) => {
      const last = queue.at(-1);
      if (event.type === "delta" && last?.type === "delta") {
        last.thought += event.thought;
        last.answer += event.answer;
      } else queue.push(event);
      wake?.();
    };
    let thought = "";
    let answer = "";
    this.opListeners.set(opId, (message) => {
      if (message.kind === "delta") {
        thought += message.thought;
        answer += message.answer;
        push({ type: "delta", thought: message.thought, answer: message.answer });
      } else if (message.kind === "notice" && message.message) push({ type: "notice", message: message.message });
    });
    const onAbort = () => this.process?.send({ kind: "cancel", opId });
    signal?.addEventListener("abort", onAbort, { once: true });
    this.state = "generating";
    this.currentOperation = "generate";
    let finished = false;
    this.call("generate", { opId, conversationId: request.conversationId ?? null, turns: request.turns, options: request.options }).then(
      (result) => {
        finished = true;
        push({ type: "done", crash: null, ...result });
      },
      (err: unknown) => {
        finished = true;
        if (err instanceof EngineCrashedError) {
          push({ type: "done", stopReason: "crashed", thought, answer, metrics: null, message: err.message, crash: err.report });
        } else {
          push({ type: "done", stopReason: "error", thought, answer, metrics: null, message: err instanceof Error ? err.message : String(err), crash: null });
        }
      },
    );
    if (signal?.aborted) onAbort();
    try {
      while (true) {
        if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        const event = queue.shift();
        if (!event) continue;
        yield event;
        if (event.type === "done") return;
      }
    } finally {
      // A consumer that stops early must not leave the engine generating for no one.
      if (!finished) onAbort();
      signal?.removeEventListener("abort", onAbort);
      this.opListeners.delete(opId);
      if (this.state === "generating") this.state = this.model ? "ready" : "idle";
      if (this.currentOperation === "generate") this.currentOperation = null;
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    const child = this.process;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.onExit(() => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
    await exited;
    clearTimeout(timer);
  }
}

function describeOperation(operation: string): string {
  return operation === "load" ? "loading a model" : operation === "generate" ? "generating a response" : operation;
}

import { randomUUID } from "node:crypto";
import { refuseWhileBusy, type BusyActivity } from "../../shared/busy.js";
import type { BackendChoice, BackendInfo, EngineState, EngineStatus, KvCacheType, LoadedModel } from "../../shared/contract/engine.js";
import type { EngineMethod, EngineParams, EngineResult } from "../../shared/contract/engine-protocol.js";
import { AppError } from "../kernel/errors.js";
import type { EngineChannel } from "./engine-channel.js";
import { EngineSupervisor, type EngineSupervisorOptions } from "./engine-supervisor.js";
import { GenerateStream, type LocalGenerateEvent, type LocalGenerateRequest } from "./generate-stream.js";

export interface LoadParams {
  path: string;
  contextSize: number;
  kvCacheType?: KvCacheType;
  gpuLayers: number | "auto";
  backend?: BackendChoice;
  threads?: number;
  /** Threads for prompt batches, from a kept measurement; without it, prompts use `threads`. */
  batchThreads?: number;
  flashAttention?: boolean;
  /** Without threads: the engine measures the fastest thread count (see ThreadChoices). */
  measureThreads?: boolean;
  family?: EngineParams<"load">["family"];
  /** A draft model the core checked (same tokenizer): speculative decoding. */
  draft?: EngineParams<"load">["draft"];
  promptLookup?: boolean;
  /** The catalog variant this file is, when the load named one; kept on the loaded model. */
  variantId?: string | null;
  /** Sequences in the context: responses generated at once. */
  sequences?: number;
}

export interface EngineClientOptions extends EngineSupervisorOptions {
  /**
   * How long starting a backend may take before the engine is ended as hung. The engine marks the
   * backend it is starting, so the restarted engine excludes it (electron/engine/backend-attempts.ts),
   * as node-llama-cpp's own forked test did with its 5-minute limit.
   */
  startTimeoutMs?: number;
}

/** node-llama-cpp's forked test allowed 5 minutes (a first CUDA start may compile kernels for the GPU). */
const DEFAULT_START_TIMEOUT_MS = 300_000;

/** What the engine runs: a load alone, or responses (one per sequence). */
type Activity = "load" | "generate";

/**
 * The core's side of the engine process: a load alone, responses side by side (one per sequence;
 * EngineService admits no more than the sequences hold), cancellation
 * that crosses into the engine, and the loaded model brought back after the supervisor restarted
 * a crashed engine. Failures are AppErrors with the engine's code; a crash has code "crashed".
 */
export class EngineClient {
  private readonly supervisor: EngineSupervisor;
  private loadingNow = false;
  /** The responses being generated, by opId. */
  private readonly generations = new Set<string>();
  private model: LoadedModel | null = null;
  private loadingPath: string | null = null;
  private lastLoad: LoadParams | null = null;
  private backend: BackendInfo | null = null;
  private backendChoice: BackendChoice = "auto";
  private threads: number | undefined;

  private readonly startTimeoutMs: number;

  constructor(options: EngineClientOptions) {
    this.startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    this.supervisor = new EngineSupervisor(options, {
      inProgress: () => ({ model: this.loadingPath ?? this.model?.path ?? null, operation: this.activity() }),
      crashed: () => this.forgetCrashedEngine(),
    });
  }

  get pid(): number | undefined {
    return this.supervisor.pid;
  }

  status(): EngineStatus {
    return { state: this.state(), model: this.model, backend: this.backend, lastCrash: this.supervisor.lastCrash };
  }

  get loadedModel(): LoadedModel | null {
    return this.model;
  }

  get isGenerating(): boolean {
    return this.generations.size > 0;
  }

  private activity(): Activity | null {
    return this.loadingNow ? "load" : this.generations.size > 0 ? "generate" : null;
  }

  /** The backend and threads the next start (and restarts) use. */
  configure(settings: { backend?: BackendChoice; threads?: number | undefined }): void {
    if (settings.backend) this.backendChoice = settings.backend;
    if ("threads" in settings) this.threads = settings.threads;
  }

  /** Starts the engine process if it is not running; resolves when it is ready for calls. */
  async start(): Promise<void> {
    await this.supervisor.start();
  }

  /** Resolves when an automatic restart (and model reload) has finished. */
  whenRestarted(): Promise<void> {
    return this.supervisor.whenRestarted();
  }

  async backendInfo(choice?: BackendChoice): Promise<BackendInfo> {
    if (choice) this.backendChoice = choice;
    // Watched from when the process is up: a slow process start is not a hung backend.
    const channel = await this.supervisor.start();
    const info = await this.watchStart(channel.call("init", { backend: this.backendChoice, threads: this.threads }));
    this.backend = info;
    return info;
  }

  /** A backend start that does not answer in time ends the engine: its calls fail as a crash and it restarts without that backend. */
  private async watchStart<T>(starting: Promise<T>): Promise<T> {
    const timer = setTimeout(() => this.supervisor.kill(), this.startTimeoutMs);
    try {
      return await starting;
    } finally {
      clearTimeout(timer);
    }
  }

  async load(params: LoadParams, options: { signal?: AbortSignal; onProgress?: (progress: number) => void } = {}): Promise<LoadedModel> {
    const channel = await this.supervisor.start();
    refuseWhileBusy("load", this.busyWith());
    return this.loadOn(channel, params, options.signal, options.onProgress ?? (() => undefined));
  }

  async unload(): Promise<{ unloaded: boolean; path: string | null }> {
    if (this.supervisor.phase === "stopped") {
      this.model = null;
      return { unloaded: false, path: null };
    }
    const result = await this.callStarted("unload", {});
    this.model = null;
    this.lastLoad = null;
    return result;
  }

  async memory(): Promise<EngineResult<"memory">> {
    return this.callStarted("memory", {});
  }

  async inspectContext(): Promise<EngineResult<"inspectContext">> {
    return this.callStarted("inspectContext", {});
  }

  /** Tokens of each text under the loaded model's tokenizer. */
  async countTokens(texts: string[]): Promise<number[]> {
    if (!this.model) throw new AppError("not-loaded", "No model is loaded. Load a model to count tokens.");
    return (await this.callStarted("countTokens", { texts })).counts;
  }

  /** Vectors of each text from the GGUF embedding model at `modelPath` (the chat model need not be loaded). */
  async embed(modelPath: string, texts: string[]): Promise<number[][]> {
    return (await this.callStarted("embed", { modelPath, texts })).vectors;
  }

  /**
   * Streams one response: `delta` events (coalesced by the engine, merged further here if the
   * consumer falls behind), `notice`s, then exactly one `done` — also when the engine crashes, with
   * the text streamed so far and stop reason "crashed".
   */
  async *generate(request: LocalGenerateRequest, signal?: AbortSignal): AsyncGenerator<LocalGenerateEvent, void, undefined> {
    const channel = await this.supervisor.start();
    if (!this.model) throw new AppError("not-loaded", "No model is loaded. Load a model first.");
    if (this.loadingNow) refuseWhileBusy("generate", "loading");

    const opId = `gen-${randomUUID()}`;
    const stream = new GenerateStream();
    const stopListening = channel.listen(opId, (message) => stream.receive(message));
    const cancel = () => channel.cancel(opId);
    signal?.addEventListener("abort", cancel, { once: true });
    this.generations.add(opId);
    channel
      .call("generate", {
        opId,
        conversationId: request.conversationId ?? null,
        turns: request.turns,
        options: request.options,
        continuation: request.continuation,
        state: request.state,
        lane: request.lane ?? "window",
        tools: request.tools,
      })
      .then(
        (result) => stream.succeed(result),
        (err: unknown) => stream.fail(err),
      );
    if (signal?.aborted) cancel();
    try {
      yield* stream.events();
    } finally {
      // A consumer that stops early must not leave the engine generating for no one.
      if (!stream.finished) cancel();
      signal?.removeEventListener("abort", cancel);
      stopListening();
      this.generations.delete(opId);
    }
  }

  close(): Promise<void> {
    return this.supervisor.close();
  }

  /** The state a person sees: a restart outranks the operation running, which outranks the process. */
  private state(): EngineState {
    if (this.supervisor.isRestarting) return "restarting";
    const activity = this.activity();
    if (activity) return activity === "load" ? "loading" : "generating";
    const phase = this.supervisor.phase;
    if (phase === "running") return this.model ? "ready" : "idle";
    return phase;
  }

  /** What runs now, for the busy refusals. */
  private busyWith(): BusyActivity | null {
    const activity = this.activity();
    return activity === "load" ? "loading" : activity === "generate" ? "generating" : null;
  }

  /** A call after making sure the engine runs (waiting out a restart in progress). */
  private async callStarted<M extends EngineMethod>(method: M, params: EngineParams<M>): Promise<EngineResult<M>> {
    const channel = await this.supervisor.start();
    return channel.call(method, params);
  }

  private async loadOn(
    channel: EngineChannel,
    params: LoadParams,
    signal: AbortSignal | undefined,
    onProgress: (progress: number) => void,
  ): Promise<LoadedModel> {
    if (signal?.aborted) throw new AppError("cancelled", "Loading was cancelled.");
    const opId = `load-${randomUUID()}`;
    const backend = params.backend ?? this.backendChoice;
    this.loadingNow = true;
    this.loadingPath = params.path;
    const stopListening = channel.listen(opId, (message) => {
      if (message.kind === "loadProgress") onProgress(message.progress);
    });
    const cancel = () => channel.cancel(opId);
    signal?.addEventListener("abort", cancel, { once: true });
    try {
      // The engine unloads the previous model first, so both never sit in memory together.
      this.model = null;
      const { variantId = null, ...engineParams } = params;
      const model = { ...(await channel.call("load", { ...engineParams, backend, threads: params.threads ?? this.threads, opId })), variantId };
      this.model = model;
      // A reload after a crash keeps the measured thread count rather than measuring again.
      this.lastLoad = {
        ...params,
        backend,
        ...(model.threadsMeasurement
          ? {
              threads: model.threads,
              batchThreads: model.batchThreads,
              flashAttention: model.threadsMeasurement.flashAttention?.flashAttention,
              measureThreads: false,
            }
          : {}),
      };
      this.backendChoice = backend;
      return model;
    } finally {
      signal?.removeEventListener("abort", cancel);
      stopListening();
      if (this.loadingPath === params.path) this.loadingPath = null;
      this.loadingNow = false;
    }
  }

  /** The engine died holding nothing now; the model it had (unless loading it killed the engine) comes back. */
  private forgetCrashedEngine(): (restarted: EngineChannel) => Promise<void> {
    const reload = !this.loadingNow && this.model ? this.lastLoad : null;
    this.model = null;
    this.loadingPath = null;
    this.loadingNow = false;
    this.generations.clear();
    return async (restarted) => {
      await this.watchStart(restarted.call("init", { backend: this.backendChoice, threads: this.threads }));
      if (reload) await this.loadOn(restarted, reload, undefined, () => undefined);
    };
  }
}

import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createAppModule } from "../../../electron/core/app/app-module.js";
import { createChatModule } from "../../../electron/core/chat/module.js";
import { gpusFromEngineStatus } from "../../../electron/core/local-engine/engine-gpus.js";
import type { DraftCandidates, ModelFileCheck } from "../../../electron/core/local-engine/engine-service.js";
import { NodeEngineLauncher } from "../../../electron/core/local-engine/launcher.js";
import { createEngineModule } from "../../../electron/core/local-engine/module.js";
import { createHardwareModule } from "../../../electron/core/hardware/module.js";
import { silentLog } from "../../../electron/core/kernel/log-file.js";
import type { CoreContext, CoreModule } from "../../../electron/core/kernel/context.js";
import { Dispatcher, type Handlers } from "../../../electron/core/kernel/dispatcher.js";
import { JobRegistry } from "../../../electron/core/kernel/jobs.js";
import { createSettingsModule } from "../../../electron/core/settings/module.js";
import { SavedContextCache } from "../../../electron/core/saved-context/saved-context-cache.js";
import type { EngineService } from "../../../electron/core/local-engine/engine-service.js";
import type { LocalGenerateEvent as GenerateEvent, LocalGenerateRequest as GenerateRequest } from "../../../electron/core/local-engine/generate-stream.js";
import type { EventName, EventPayload } from "../../../electron/shared/contract/index.js";

/** One thread: steadier than two on a shared 2-core machine (llama.cpp threads spin-wait). */
export const TEST_THREADS = 1;

export interface RecordedEvent {
  name: EventName;
  payload: unknown;
}

/**
 * The engine and chat capabilities as the app core composes them (real modules, real dispatcher,
 * real job registry, the real engine process), without the other capabilities, whose work is
 * unrelated here.
 */
export class CoreHarness {
  readonly events: RecordedEvent[] = [];
  readonly jobs = new JobRegistry();
  private waiters: Array<() => void> = [];
  private readonly listeners = new Set<(event: RecordedEvent) => void>();
  private modules: CoreModule[] = [];
  private dispatcher!: Dispatcher;
  #engine!: EngineService;

  #ownsDataDir = true;

  private constructor(readonly dataDir: string) {}

  /** Present when started with `savedContexts`: conversations' saved contexts in the data folder. */
  savedContexts: SavedContextCache | undefined;

  /** `draftCandidates`: the model files a library would offer as drafts for speculative decoding; `dataDir`: an earlier harness's, as a relaunch. */
  static async start(
    options: {
      checkFile?: ModelFileCheck;
      savedContexts?: { maxBytes: number };
      draftCandidates?: DraftCandidates;
      dataDir?: string;
      startTimeoutMs?: number;
    } = {},
  ): Promise<CoreHarness> {
    const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), "r1-engine-test-")));
    const harness = new CoreHarness(dataDir);
    harness.#ownsDataDir = options.dataDir === undefined;
    const ctx: CoreContext = {
      dataDir,
      mode: "serve",
      version: "test",
      env: {},
      log: silentLog,
      jobs: harness.jobs,
      emit: (name, payload) => {
        const event = { name, payload };
        harness.events.push(event);
        for (const listener of harness.listeners) listener(event);
        for (const wake of harness.waiters.splice(0)) wake();
      },
    };
    const settings = createSettingsModule(ctx);
    // The engine's context default before settings existed here; tests that care pass their own.
    await settings.service.update({ contextSize: 4096 });
    harness.savedContexts = options.savedContexts ? new SavedContextCache(dataDir, options.savedContexts) : undefined;
    const engine = createEngineModule(ctx, {
      settings: settings.service,
      launcher: new NodeEngineLauncher(),
      checkFile: options.checkFile,
      savedContexts: harness.savedContexts,
      draftCandidates: options.draftCandidates,
      startTimeoutMs: options.startTimeoutMs,
    });
    const hardware = createHardwareModule({ dataDir }, { modelsDir: () => dataDir, engineGpus: async () => gpusFromEngineStatus(engine.service.status()) });
    const chat = createChatModule(ctx, { engine: engine.service, settings: settings.service });
    harness.modules = [settings, engine, hardware, chat, createAppModule(ctx, { hardware: hardware.service })];
    harness.#engine = engine.service;
    harness.dispatcher = new Dispatcher(Object.assign({}, ...harness.modules.map((m) => m.handlers)) as Handlers);
    return harness;
  }

  /** Called synchronously as each event is emitted (for timing); returns an unsubscribe function. */
  onEvent(listener: (event: RecordedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get engine(): EngineService {
    return this.#engine;
  }

  /** Calls through the dispatcher, as a transport does; throws the call's error message. */
  async call(name: string, payload: unknown): Promise<unknown> {
    const outcome = await this.dispatcher.dispatch(name, payload);
    if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
    return outcome.value;
  }

  /** The first event of that name matching `match`, waiting for it if needed. */
  async waitFor<K extends EventName>(name: K, match: (payload: EventPayload<K>) => boolean = () => true, timeoutMs = 150_000): Promise<EventPayload<K>> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const found = this.events.find((e) => e.name === name && match(e.payload as EventPayload<K>));
      if (found) return found.payload as EventPayload<K>;
      if (Date.now() > deadline) throw new Error(`No ${name} event within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  eventsOf<K extends EventName>(name: K, match: (payload: EventPayload<K>) => boolean = () => true): EventPayload<K>[] {
    return this.events.filter((e) => e.name === name && match(e.payload as EventPayload<K>)).map((e) => e.payload as EventPayload<K>);
  }

  /** Loads a model through engine.load (the job and its events), resolving with engine.loaded. */
  async load(request: {
    path: string;
    contextSize?: number;
    kvCacheType?: "f16" | "q8_0" | "q4_0";
    family?: "r1-distill" | "r1-0528" | "other";
    draftPath?: string | null;
  }) {
    const { jobId } = (await this.call("engine.load", { contextSize: 2048, threads: TEST_THREADS, ...request })) as { jobId: string };
    const ended = await Promise.race([
      this.waitFor("engine.loaded", (e) => e.jobId === jobId).then((e) => ({ ok: true as const, model: e.model })),
      this.waitFor("engine.loadFailed", (e) => e.jobId === jobId).then((e) => ({ ok: false as const, message: e.message })),
    ]);
    if (!ended.ok) throw new Error(ended.message);
    return ended.model;
  }

  async close(): Promise<void> {
    for (const id of this.jobs.running()) this.jobs.cancel(id);
    for (const m of [...this.modules].reverse()) await m.close?.();
    if (this.#ownsDataDir) await rm(this.dataDir, { recursive: true, force: true });
  }
}

/** Runs one generation to its end, returning the deltas and the final event. */
export async function runGeneration(
  engine: EngineService,
  request: GenerateRequest,
  options: { signal?: AbortSignal; onEvent?: (event: GenerateEvent) => void } = {},
): Promise<{ deltas: Array<{ thought: string; answer: string }>; notices: string[]; done: Extract<GenerateEvent, { type: "done" }> }> {
  const deltas: Array<{ thought: string; answer: string }> = [];
  const notices: string[] = [];
  for await (const event of engine.generate(request, options.signal)) {
    options.onEvent?.(event);
    if (event.type === "delta") deltas.push({ thought: event.thought, answer: event.answer });
    else if (event.type === "notice") notices.push(event.message);
    else return { deltas, notices, done: event };
  }
  throw new Error("The generation ended without a done event");
}

export const r1Options = { temperature: 0.6, topP: 0.95 } as const;

import { EmbeddingModelHost } from "./embedding-model.js";
import { rm } from "node:fs/promises";
import { refuseWhileBusy, type BusyActivity } from "../shared/busy.js";
import type { Llama } from "node-llama-cpp";
import type { BackendChoice, BackendInfo, LoadedModel } from "../shared/contract/engine.js";
import {
  EngineMethods,
  type EngineMethod,
  type EngineParsedParams as EngineParams,
  type EngineResult,
  type EngineToCore,
} from "../shared/contract/engine-protocol.js";
import { AppError } from "../shared/errors.js";
import { describeBackend, startLlama } from "./backend.js";
import { identityOf, restoreConversationState, saveConversationState, type StateIdentity } from "./saved-context.js";
import { ConversationWindowCache } from "./conversation-window-cache.js";
import type { ConversationWindow } from "./conversation-window.js";
import { disposeDraft } from "./draft-model.js";
import { generateResponse } from "./generation.js";
import { repeatsInput } from "./prompt-lookup.js";
import { loadChatModel, type LoadedChat } from "./model-loader.js";

/** Everything node-llama-cpp does for the app, one operation of each kind at a time. */
export class EngineHost {
  private llama: Llama | undefined;
  private readonly embeddings = new EmbeddingModelHost();
  private llamaChoice: BackendChoice = "auto";
  private threadsOverride: number | undefined;
  private loaded: LoadedChat | undefined;
  private loading = false;
  private generating = false;
  private readonly operations = new Map<string, AbortController>();
  private readonly windows = new ConversationWindowCache();
  /** The loaded model and context, as saved conversation states must match them. */
  private stateIdentity: StateIdentity | undefined;
  /** The conversation whose tokens the chat's sequence holds now (null: none or unknown). */
  private sequenceOwner: string | null = null;
  /** The last answer's state being written; the sequence is not touched again before it ends. */
  private pendingSave: Promise<void> = Promise.resolve();

  constructor(
    private readonly send: (message: EngineToCore) => void,
    private readonly log: (message: string) => void,
  ) {}

  async handle<M extends EngineMethod>(method: M, rawParams: unknown): Promise<EngineResult<M>> {
    const parsed = EngineMethods[method].params.safeParse(rawParams ?? {});
    if (!parsed.success) throw new AppError("bad-request", `Malformed ${method} request: ${parsed.error.message}`);
    const handlers: { [K in EngineMethod]: (params: EngineParams<K>) => Promise<EngineResult<K>> } = {
      init: (p) => this.init(p.backend, p.threads),
      backendInfo: () => this.backendInfo(),
      load: (p) => this.load(p),
      unload: () => this.unload(),
      generate: (p) => this.generate(p),
      memory: () => this.memory(),
      inspectContext: () => this.inspectContext(),
      countTokens: (p) => this.countTokens(p.texts),
      embed: async (p) => ({ vectors: await this.embeddings.embed(await this.ensureLlama(), p.modelPath, p.texts) }),
    };
    return (handlers[method] as (params: unknown) => Promise<EngineResult<M>>)(parsed.data);
  }

  cancel(opId: string): void {
    this.operations.get(opId)?.abort(new Error("Cancelled"));
  }

  /** What runs now, for the busy refusals. */
  private activity(): BusyActivity | null {
    return this.loading ? "loading" : this.generating ? "generating" : null;
  }

  private threads(llama: Llama): number {
    return this.threadsOverride ?? this.loaded?.info.threads ?? Math.max(1, llama.cpuMathCores);
  }

  private async ensureLlama(choice: BackendChoice = this.llamaChoice): Promise<Llama> {
    if (this.llama && choice === this.llamaChoice) return this.llama;
    refuseWhileBusy("switch-backend", this.loaded ? "loaded" : null);
    const previous = this.llama;
    this.llama = undefined;
    await previous?.dispose();
    this.llama = await startLlama(choice, this.log);
    this.llamaChoice = choice;
    return this.llama;
  }

  private async init(backend: BackendChoice, threads: number | undefined): Promise<BackendInfo> {
    if (backend !== this.llamaChoice) refuseWhileBusy("switch-backend", this.loading ? "loading" : null);
    if (threads !== undefined) this.threadsOverride = threads;
    const llama = await this.ensureLlama(backend);
    return describeBackend(llama, this.llamaChoice, this.threads(llama));
  }

  private async backendInfo(): Promise<BackendInfo> {
    const llama = await this.ensureLlama();
    return describeBackend(llama, this.llamaChoice, this.threads(llama));
  }

  private async load(params: EngineParams<"load">): Promise<LoadedModel> {
    refuseWhileBusy("load", this.activity());
    this.loading = true;
    const controller = new AbortController();
    this.operations.set(params.opId, controller);
    const signal = controller.signal;
    const startedAt = performance.now();
    try {
      // Switching models: the previous one goes first, so both never sit in memory together.
      await this.unload();
      if (params.threads !== undefined) this.threadsOverride = params.threads;
      const llama = await this.ensureLlama(params.backend ?? this.llamaChoice);
      this.loaded = await loadChatModel(llama, params, {
        threads: this.threads(llama),
        measureThreadsUpTo: params.measureThreads && params.threads === undefined ? llama.cpuMathCores : undefined,
        signal,
        startedAt,
        onProgress: (progress) => this.send({ kind: "loadProgress", opId: params.opId, progress }),
      });
      this.windows.clear();
      this.sequenceOwner = null;
      this.stateIdentity = await identityOf(params.path, contextSettingsOf(this.loaded.info));
      return this.loaded.info;
    } catch (err) {
      if (signal.aborted) throw new AppError("cancelled", "Loading was cancelled.");
      throw err;
    } finally {
      this.loading = false;
      this.operations.delete(params.opId);
    }
  }

  private async unload(): Promise<EngineResult<"unload">> {
    const loaded = this.loaded;
    if (!loaded) return { unloaded: false, path: null };
    refuseWhileBusy("unload", this.activity());
    await this.pendingSave;
    this.loaded = undefined;
    this.windows.clear();
    this.sequenceOwner = null;
    loaded.chat.dispose();
    await loaded.context.dispose();
    await loaded.model.dispose();
    await disposeDraft(loaded.draft);
    return { unloaded: true, path: loaded.info.path };
  }

  private async generate(params: EngineParams<"generate">): Promise<EngineResult<"generate">> {
    const loaded = this.loaded;
    if (!loaded) throw new AppError("not-loaded", "No model is loaded. Load a model first.");
    refuseWhileBusy("generate", this.activity());
    this.generating = true;
    const controller = new AbortController();
    this.operations.set(params.opId, controller);
    try {
      await this.pendingSave;
      const key = params.conversationId;
      const onNotice = (message: string) => this.send({ kind: "notice", opId: params.opId, message });
      const restoredStateTokens = key && params.state?.load ? await this.restoreState(key, params.state.load, onNotice) : null;
      this.sequenceOwner = key;
      if (loaded.lookup) loaded.lookup.enabled = repeatsInput(params.turns.at(-1)!);
      const result = await generateResponse(
        {
          chat: loaded.chat,
          family: loaded.info.family,
          systemPromptAllowed: loaded.info.systemPromptAllowed,
          backend: loaded.info.backend,
          gpuLayers: loaded.info.gpuLayers,
        },
        {
          turns: params.turns,
          options: params.options,
          signal: controller.signal,
          lastWindow: key ? this.windows.get(key) : undefined,
          continuation: params.continuation,
          onDelta: (thought, answer, thoughtTokens) => this.send({ kind: "delta", opId: params.opId, thought, answer, thoughtTokens }),
          onNotice,
        },
      );
      if (key && result.window) this.windows.remember(key, result.window);
      const save = params.state?.save;
      // Written after the reply has gone: the next operation on the sequence waits for it instead.
      if (key && save && result.stopReason !== "error") this.pendingSave = this.saveState(key, save, result.window);
      const { window: _window, ...rest } = result;
      return { ...rest, restoredStateTokens };
    } finally {
      this.generating = false;
      this.operations.delete(params.opId);
    }
  }

  /** Loads a conversation's saved context unless the sequence holds it already; a bad file is deleted with a notice. */
  private async restoreState(conversationId: string, file: string, onNotice: (message: string) => void): Promise<number | null> {
    const { loaded, stateIdentity } = this;
    if (!loaded || !stateIdentity || this.sequenceOwner === conversationId) return null;
    const sequence = loaded.chat.sequence;
    const outcome = await restoreConversationState(sequence, file, stateIdentity).catch((err: unknown) => ({
      restored: false as const,
      problem: `it could not be read (${err instanceof Error ? err.message : String(err)})`,
    }));
    if (outcome.restored) {
      if (outcome.window) this.windows.remember(conversationId, outcome.window);
      return outcome.tokens;
    }
    await sequence.clearHistory().catch(() => undefined);
    if (outcome.problem !== "it is missing") {
      onNotice(`The saved context of this conversation was not used: ${outcome.problem}. The conversation is evaluated again.`);
      await Promise.all([rm(file, { force: true }), rm(`${file}.json`, { force: true })]);
    }
    return null;
  }

  private async saveState(conversationId: string, file: string, window: ConversationWindow | undefined): Promise<void> {
    const { loaded, stateIdentity } = this;
    if (!loaded || !stateIdentity || this.sequenceOwner !== conversationId) return;
    await saveConversationState(loaded.chat.sequence, file, stateIdentity, window).catch((err: unknown) =>
      this.log(`could not save the conversation's context: ${err instanceof Error ? err.message : String(err)}`),
    );
  }

  private async memory(): Promise<EngineResult<"memory">> {
    const usage = this.llama ? await this.llama.getLlamaMemoryUsage() : { cpuRam: 0, gpuVram: 0 };
    return { llamaCpuRamBytes: usage.cpuRam, llamaGpuVramBytes: usage.gpuVram, rssBytes: process.memoryUsage.rss() };
  }

  private async inspectContext(): Promise<EngineResult<"inspectContext">> {
    if (!this.loaded) return { text: "", tokens: 0 };
    const sequence = this.loaded.chat.sequence;
    const tokens = sequence.contextTokens;
    return { text: this.loaded.model.detokenize(tokens, true), tokens: tokens.length };
  }

  private async countTokens(texts: string[]): Promise<EngineResult<"countTokens">> {
    const model = this.loaded?.model;
    if (!model) throw new AppError("not-loaded", "No model is loaded. Load a model to count tokens.");
    return { counts: texts.map((text) => model.tokenize(text, false).length) };
  }

  async close(): Promise<void> {
    for (const controller of this.operations.values()) controller.abort(new Error("Engine closing"));
    await this.pendingSave;
    await this.embeddings.close().catch(() => undefined);
    await this.unload().catch(() => undefined);
    await this.llama?.dispose();
  }
}

/** What about a loaded model's context changes the cache it holds: all it reports, less where and how fast it runs. */
function contextSettingsOf(info: LoadedModel): Record<string, unknown> {
  const {
    path: _path,
    name: _name,
    loadMs: _loadMs,
    threads: _threads,
    threadsMeasurement: _measurement,
    gpuLayers: _gpuLayers,
    draft: _draft,
    ...settings
  } = info;
  return settings;
}

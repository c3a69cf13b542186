import path from "node:path";
import { EmbeddingModelHost } from "./embedding-model.js";
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
import { BackendAttempts } from "./backend-attempts.js";
import { identityOf, restoreConversationState, saveConversationState, setAsideState, type StateIdentity } from "./saved-context.js";
import { ConversationWindowCache } from "./conversation-window-cache.js";
import type { ConversationWindow } from "./conversation-window.js";
import { disposeDraft } from "./draft-model.js";
import { generateResponse } from "./generation.js";
import { repeatsInput } from "./prompt-lookup.js";
import { loadChatModel, type LoadedChat } from "./model-loader.js";
import { SequenceSlots, type SequenceSlot } from "./sequence-slots.js";

/** Everything node-llama-cpp does for the app: one load at a time, one response per sequence at a time. */
export class EngineHost {
  private llama: Llama | undefined;
  private readonly embeddings = new EmbeddingModelHost();
  private llamaChoice: BackendChoice = "auto";
  private threadsOverride: number | undefined;
  private loaded: LoadedChat | undefined;
  private loading = false;
  /** The loaded context's sequences; a response takes one for its whole run. */
  private slots: SequenceSlots | undefined;
  private readonly operations = new Map<string, AbortController>();
  private readonly windows = new ConversationWindowCache();
  /** The loaded model and context, as saved conversation states must match them. */
  private stateIdentity: StateIdentity | undefined;

  constructor(
    private readonly send: (message: EngineToCore) => void,
    private readonly log: (message: string) => void,
    private readonly attempts: BackendAttempts = BackendAttempts.open(undefined),
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
    return this.loading ? "loading" : (this.slots?.busyCount ?? 0) > 0 ? "generating" : null;
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
    this.llama = await startLlama(choice, this.log, this.attempts);
    this.llamaChoice = choice;
    return this.llama;
  }

  private async init(backend: BackendChoice, threads: number | undefined): Promise<BackendInfo> {
    if (backend !== this.llamaChoice) refuseWhileBusy("switch-backend", this.loading ? "loading" : null);
    if (threads !== undefined) this.threadsOverride = threads;
    const llama = await this.ensureLlama(backend);
    return describeBackend(llama, this.llamaChoice, this.threads(llama), this.attempts);
  }

  private async backendInfo(): Promise<BackendInfo> {
    const llama = await this.ensureLlama();
    return describeBackend(llama, this.llamaChoice, this.threads(llama), this.attempts);
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
      this.slots = new SequenceSlots(this.loaded.sequences);
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
    await this.savesWritten();
    this.loaded = undefined;
    this.windows.clear();
    this.slots = undefined;
    for (const sequence of loaded.sequences) sequence.chat.dispose();
    await loaded.context.dispose();
    await loaded.model.dispose();
    await disposeDraft(loaded.draft);
    return { unloaded: true, path: loaded.info.path };
  }

  private async generate(params: EngineParams<"generate">): Promise<EngineResult<"generate">> {
    const { loaded, slots } = this;
    if (!loaded || !slots) throw new AppError("not-loaded", "No model is loaded. Load a model first.");
    if (this.loading) refuseWhileBusy("generate", "loading");
    const slot = slots.take(params.lane, params.conversationId);
    const controller = new AbortController();
    this.operations.set(params.opId, controller);
    try {
      await slot.pendingSave;
      const key = params.conversationId;
      const onNotice = (message: string) => this.send({ kind: "notice", opId: params.opId, message });
      // A saved conversation state restores into whichever sequence serves it.
      const restoredStateTokens = key && params.state?.load ? await this.restoreState(slot, key, params.state.load, onNotice) : null;
      slot.owner = key;
      if (slot.lookup) slot.lookup.enabled = repeatsInput(params.turns.at(-1)!);
      const result = await generateResponse(
        {
          chat: slot.chat,
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
          tools: params.tools,
          onDelta: (thought, answer, thoughtTokens) => this.send({ kind: "delta", opId: params.opId, thought, answer, thoughtTokens }),
          onNotice,
        },
      );
      if (key && result.window) this.windows.remember(key, result.window);
      const save = params.state?.save;
      // Written after the reply has gone: the next operation on the sequence waits for it instead.
      if (key && save && result.stopReason !== "error") slot.pendingSave = this.saveState(slot, key, save, result.window);
      const { window: _window, ...rest } = result;
      return { ...rest, restoredStateTokens };
    } finally {
      slots.release(slot);
      this.operations.delete(params.opId);
    }
  }

  /** Loads a conversation's saved context unless the sequence holds it already; a bad file is deleted with a notice. */
  private async restoreState(slot: SequenceSlot, conversationId: string, file: string, onNotice: (message: string) => void): Promise<number | null> {
    const { stateIdentity } = this;
    if (!stateIdentity || slot.owner === conversationId) return null;
    const sequence = slot.chat.sequence;
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
      const kept = await setAsideState(file).catch(() => null);
      onNotice(
        `The saved context of this conversation was not used: ${outcome.problem}. The conversation is evaluated again.${kept ? ` The file was set aside in ${path.dirname(kept)}.` : ""}`,
      );
    }
    return null;
  }

  private async saveState(slot: SequenceSlot, conversationId: string, file: string, window: ConversationWindow | undefined): Promise<void> {
    const { stateIdentity } = this;
    if (!stateIdentity || slot.owner !== conversationId) return;
    await saveConversationState(slot.chat.sequence, file, stateIdentity, window).catch((err: unknown) =>
      this.log(`could not save the conversation's context: ${err instanceof Error ? err.message : String(err)}`),
    );
  }

  private async memory(): Promise<EngineResult<"memory">> {
    const usage = this.llama ? await this.llama.getLlamaMemoryUsage() : { cpuRam: 0, gpuVram: 0 };
    return { llamaCpuRamBytes: usage.cpuRam, llamaGpuVramBytes: usage.gpuVram, rssBytes: process.memoryUsage.rss() };
  }

  private async inspectContext(): Promise<EngineResult<"inspectContext">> {
    if (!this.loaded || !this.slots) return { text: "", tokens: 0 };
    // The window's sequence: what the person's chat evaluated last.
    const sequence = this.slots.window.chat.sequence;
    const tokens = sequence.contextTokens;
    return { text: this.loaded.model.detokenize(tokens, true), tokens: tokens.length };
  }

  private async countTokens(texts: string[]): Promise<EngineResult<"countTokens">> {
    const model = this.loaded?.model;
    if (!model) throw new AppError("not-loaded", "No model is loaded. Load a model to count tokens.");
    return { counts: texts.map((text) => model.tokenize(text, false).length) };
  }

  /** Every sequence's last state write has ended. */
  private async savesWritten(): Promise<void> {
    await Promise.all((this.slots?.all ?? []).map((slot) => slot.pendingSave));
  }

  async close(): Promise<void> {
    for (const controller of this.operations.values()) controller.abort(new Error("Engine closing"));
    await this.savesWritten();
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
    // A sequence's state loads into any sequence of a context like it, whatever their number.
    sequences: _sequences,
    ...settings
  } = info;
  return settings;
}

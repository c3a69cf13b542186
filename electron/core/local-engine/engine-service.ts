import { stat } from "node:fs/promises";
import { refuseWhileBusy, type BusyActivity } from "../../shared/busy.js";
import path from "node:path";
import {
  DEFAULT_CONTEXT_SIZE,
  type BackendChoice,
  type BackendInfo,
  type EngineStatus,
  type KvCacheChoice,
  type KvCacheType,
  type LoadedModel,
  type LoadRequest,
} from "../../shared/contract/engine.js";
import { AppError } from "../kernel/errors.js";
import { checkDraft, chooseDraft, type DraftCandidate } from "./draft-choice.js";
import type { AnsweredBy } from "../../shared/contract/chat.js";
import type { GenerationEngine } from "../generation/generation-engine.js";
import { EngineClient } from "./engine-client.js";
import type { LocalGenerateEvent, LocalGenerateRequest } from "./generate-stream.js";
import type { EngineLauncher } from "./launcher.js";
import type { SavedContextCache } from "../saved-context/saved-context-cache.js";
import type { ThreadChoices } from "./thread-choices.js";
import { RequestQueue } from "./request-queue.js";

/** Where load defaults come from (the settings service, when the app has one). */
export interface EngineDefaults {
  backend(): BackendChoice;
  threads(): number | undefined;
  contextSize(): number | "auto";
  kvCacheType(): KvCacheChoice;
  speculativeDecoding(): boolean;
  /** "Parallel requests": sequences in the context ("auto": planned, up to 4 where memory allows). */
  parallelRequests?(): number | "auto";
}

/** The library's model files, where a draft for speculative decoding is looked for. */
export type DraftCandidates = () => Promise<DraftCandidate[]>;

/** The catalog variant a model file is, when the library knows it as one. */
export type VariantOfFile = (modelPath: string) => Promise<string | undefined>;

/** Room to reason for a model file: the context and KV cache type the fit estimator chooses (fit's largestContextFor). */
export type ContextPlanner = (
  modelPath: string,
  kvCacheType: KvCacheChoice,
  /** RAM a draft model loaded next to it takes. */
  reservedBytes: number,
  /** A context already chosen: only the cache type is planned for it. */
  contextSize?: number,
  /** Sequences, each with the whole context: a number is counted in; "auto" is planned (up to 4 where memory allows). */
  sequences?: number | "auto",
) => Promise<{ contextSize: number; kvCacheType: KvCacheType; sequences: number }>;

/**
 * What a draft model takes next to the model: its weights, and about a quarter more for its own
 * KV cache and scratch (a small draft's cache is small next to its weights).
 */
const DRAFT_OVERHEAD = 1.25;

/** Checks a model file before llama.cpp sees it; throws a clear error for a bad one. */
export type ModelFileCheck = (filePath: string) => Promise<void>;

/**
 * What other modules (chat, the API server, the UI integration) use of the engine. One model at a
 * time, one response per sequence of its context at a time (more wait in the RequestQueue); the
 * engine process restarts itself after a crash.
 */
export class EngineService implements GenerationEngine {
  readonly client: EngineClient;
  readonly answeredBy: AnsweredBy = { kind: "local" };
  /** Requests waiting for a sequence of the loaded context. */
  readonly queue = new RequestQueue(() => this.client.loadedModel?.sequences ?? 1);

  constructor(
    launcher: EngineLauncher,
    private readonly defaults: EngineDefaults,
    private readonly checkFile: ModelFileCheck,
    onCrash: ConstructorParameters<typeof EngineClient>[0]["onCrash"],
    private readonly planContext?: ContextPlanner,
    private readonly threadChoices?: ThreadChoices,
    private readonly savedContexts?: Pick<SavedContextCache, "plan" | "recordSaved">,
    private readonly draftCandidates?: DraftCandidates,
    private readonly variantOf?: VariantOfFile,
    startTimeoutMs?: number,
  ) {
    this.client = new EngineClient({ launcher, onCrash, startTimeoutMs });
  }

  status(): EngineStatus {
    return this.client.status();
  }

  get loadedModel(): LoadedModel | null {
    return this.client.loadedModel;
  }

  get busy(): boolean {
    const state = this.client.status().state;
    return state === "loading" || state === "generating";
  }

  async backends(choice?: BackendChoice): Promise<BackendInfo> {
    this.client.configure({ threads: this.defaults.threads() });
    return this.client.backendInfo(choice ?? this.defaults.backend());
  }

  /** Refuses a bad request or file at once (clear message); the load itself may still fail later. */
  async prepareLoad(
    request: LoadRequest,
  ): Promise<
    Required<Pick<LoadRequest, "path" | "contextSize" | "kvCacheType" | "gpuLayers" | "sequences">> &
      LoadRequest & { draftPath: string | null; draftNamed: boolean }
  > {
    if (!path.isAbsolute(request.path)) throw new AppError("bad-request", "The model path must be absolute.");
    refuseWhileBusy("load", this.busyWith());
    await this.checkFile(request.path);
    const draftPath = await this.draftFor(request);
    const draftNamed = Boolean(request.draftPath);
    const draftBytes = draftPath ? ((await stat(draftPath).catch(() => undefined))?.size ?? 0) * DRAFT_OVERHEAD : 0;
    // Named by the caller (the Models page knows it), else looked up once here, never after each answer.
    const variantId = request.variantId ?? (await this.variantOf?.(request.path).catch(() => undefined));
    return { ...request, ...(await this.cacheFor(request, draftBytes)), gpuLayers: request.gpuLayers ?? "auto", draftPath, draftNamed, variantId };
  }

  /** What runs now, for the busy refusals. */
  private busyWith(): BusyActivity | null {
    const state = this.client.status().state;
    return state === "loading" || state === "generating" ? state : null;
  }

  /** The draft model: the one asked for (refused with the reason unless it fits), else the library's best when the setting is on. */
  private async draftFor(request: LoadRequest): Promise<string | null> {
    if (request.draftPath) {
      await this.checkFile(request.draftPath);
      await checkDraft(request.path, request.draftPath);
      return request.draftPath;
    }
    if (request.draftPath === null || !this.defaults.speculativeDecoding() || !this.draftCandidates) return null;
    const target = await stat(request.path).catch(() => undefined);
    if (!target) return null;
    const candidates = await this.draftCandidates().catch(() => []);
    const chosen = await chooseDraft({ path: request.path, sizeBytes: target.size }, candidates);
    if (!chosen) return null;
    // A library file is checked like any model before llama.cpp sees it; a bad one is simply not used.
    const usable = await this.checkFile(chosen)
      .then(() => true)
      .catch(() => false);
    return usable ? chosen : null;
  }

  /**
   * The context, KV cache type and sequences: the request's, else the settings', with "auto"
   * planned for this model on this machine (sequences after the context, so room to reason comes first).
   */
  private async cacheFor(request: LoadRequest, reservedBytes: number): Promise<{ contextSize: number; kvCacheType: KvCacheType; sequences: number }> {
    const contextSize = request.contextSize ?? this.defaults.contextSize();
    const kvChoice = request.kvCacheType ?? this.defaults.kvCacheType();
    const sequenceChoice = request.sequences ?? this.defaults.parallelRequests?.() ?? 1;
    const fixedSequences = sequenceChoice === "auto" ? 1 : sequenceChoice;
    if (contextSize !== "auto" && kvChoice !== "auto" && sequenceChoice !== "auto") return { contextSize, kvCacheType: kvChoice, sequences: fixedSequences };
    const kvCacheType = kvChoice === "auto" ? "q8_0" : kvChoice;
    // "auto" resolves here as the Models page resolves it (q8_0 on a GPU, F16 on a CPU where it fits).
    const planned = await this.planContext?.(request.path, kvChoice, reservedBytes, contextSize === "auto" ? undefined : contextSize, sequenceChoice).catch(
      () => undefined,
    );
    const sequences = sequenceChoice === "auto" ? (planned?.sequences ?? 1) : sequenceChoice;
    if (contextSize !== "auto") return { contextSize, kvCacheType: kvChoice === "auto" ? (planned?.kvCacheType ?? kvCacheType) : kvChoice, sequences };
    return planned
      ? { contextSize: planned.contextSize, kvCacheType: planned.kvCacheType, sequences }
      : { contextSize: DEFAULT_CONTEXT_SIZE, kvCacheType, sequences };
  }

  async load(request: LoadRequest, options: { signal?: AbortSignal; onProgress?: (progress: number) => void } = {}): Promise<LoadedModel> {
    const prepared = await this.prepareLoad(request);
    return this.loadPrepared(prepared, options);
  }

  async loadPrepared(
    request: Awaited<ReturnType<EngineService["prepareLoad"]>>,
    options: { signal?: AbortSignal; onProgress?: (progress: number) => void } = {},
  ): Promise<LoadedModel> {
    const chosenThreads = request.threads ?? this.defaults.threads();
    this.client.configure({ threads: chosenThreads });
    const backend = request.backend ?? this.defaults.backend();
    // "auto" threads: what was measured for this machine and size of model, else measure now.
    const choiceKey = chosenThreads === undefined && this.threadChoices ? await this.threadChoices.keyFor(request.path, backend) : undefined;
    const known = choiceKey ? await this.threadChoices!.get(choiceKey) : undefined;
    const model = await this.client.load(
      {
        path: request.path,
        contextSize: request.contextSize,
        kvCacheType: request.kvCacheType,
        gpuLayers: request.gpuLayers,
        backend,
        threads: chosenThreads ?? known?.threads,
        batchThreads: chosenThreads === undefined ? known?.batchThreads : undefined,
        flashAttention: chosenThreads === undefined ? known?.flashAttention : undefined,
        measureThreads: choiceKey !== undefined && known === undefined,
        family: request.family,
        // A draft the library offered is kept only where it measures faster; one the request named is the user's choice.
        draft: request.draftPath ? { path: request.draftPath, measure: !request.draftNamed } : undefined,
        promptLookup: this.defaults.speculativeDecoding(),
        variantId: request.variantId ?? null,
        sequences: request.sequences,
      },
      options,
    );
    if (choiceKey && model.threadsMeasurement) await this.threadChoices!.remember(choiceKey, model.threadsMeasurement);
    return model;
  }

  async unload(): Promise<{ unloaded: boolean; path: string | null }> {
    refuseWhileBusy("unload", this.busyWith());
    return this.client.unload();
  }

  /**
   * See EngineClient.generate: deltas, notices, then one `done` (also after a crash). A
   * conversation's saved context is offered to the engine and the new one recorded after it.
   */
  async *generate(request: LocalGenerateRequest, signal?: AbortSignal): AsyncGenerator<LocalGenerateEvent, void, undefined> {
    // Waits for a sequence of its lane (the window has its own); a full queue refuses with QueueFullError.
    const release = await this.queue.enter(request.lane ?? "window", signal);
    try {
      const conversationId = request.conversationId;
      const plan = conversationId && this.savedContexts ? await this.savedContexts.plan(conversationId) : undefined;
      for await (const event of this.client.generate(plan ? { ...request, state: plan } : request, signal)) {
        if (event.type === "done" && plan && conversationId && event.stopReason !== "error" && event.stopReason !== "crashed") {
          void this.savedContexts!.recordSaved(conversationId, plan.save).catch(() => undefined);
        }
        yield event;
      }
    } finally {
      // The next request waiting starts the moment this one ends (done, cancelled or crashed).
      release();
    }
  }

  /** Tokens of each text under the loaded model's tokenizer, and its context size (not-loaded without a model). */
  async countTokens(texts: string[]): Promise<{ counts: number[]; contextSize: number }> {
    const counts = await this.client.countTokens(texts);
    const model = this.loadedModel;
    if (!model) throw new AppError("not-loaded", "No model is loaded. Load a model to count tokens.");
    return { counts, contextSize: model.contextSize };
  }

  /** Vectors from a GGUF embedding model, in the engine process beside the chat model. */
  embed(modelPath: string, texts: string[]): Promise<number[][]> {
    return this.client.embed(modelPath, texts);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

import path from "node:path";
import { LlamaChat, type Llama, type LlamaContext, type LlamaModel } from "node-llama-cpp";
import type { DraftMeasurement, LoadedModel, ThreadsMeasurement } from "../shared/contract/engine.js";
import type { EngineParsedParams } from "../shared/contract/engine-protocol.js";
import { kvCacheLayout, type KvCacheLayout, type KvCacheType } from "../shared/kv-cache.js";
import { backendKindOf } from "./backend.js";
import { measureDraftSpeedup } from "./draft-calibration.js";
import { disposeDraft, draftInfo, loadDraft, type LoadedDraft } from "./draft-model.js";
import { SwitchedLookupPredictor } from "./prompt-lookup.js";
import { setUpChat } from "./r1-chat-wrapper.js";
import { FLASH_ATTENTION_OFF_MAX_CONTEXT, flashAttentionOffFits, measureFlashAttention } from "./attention-calibration.js";
import { measureBestThreads } from "./thread-calibration.js";

/** One sequence of the context with its chat: one response at a time is written on it. */
export interface SequenceChat {
  chat: LlamaChat;
  /** Prompt-lookup decoding, switched on per turn (absent with a draft, or when turned off). */
  lookup?: SwitchedLookupPredictor;
}

/** A model ready to chat with, and what the app is told about it. */
export interface LoadedChat {
  model: LlamaModel;
  context: LlamaContext;
  /** The first sequence's chat (the app window's). */
  chat: LlamaChat;
  /** Every sequence's chat, the window's first; node-llama-cpp batches those that generate together. */
  sequences: SequenceChat[];
  info: LoadedModel;
  draft?: LoadedDraft;
  /** The first sequence's prompt lookup. */
  lookup?: SwitchedLookupPredictor;
}

export interface LoadOptions {
  threads: number;
  /** Set: measure the thread count on the loaded model instead (CPU work only), these cores at most. */
  measureThreadsUpTo?: number;
  signal: AbortSignal;
  /** Called with 0…1, at most once per percent (and at 1). */
  onProgress: (progress: number) => void;
  /** When the load was asked for: `loadMs` counts from here. */
  startedAt: number;
}

/** Loads a GGUF file and creates its context and chat; what was made is disposed again when a step fails or is cancelled. */
export async function loadChatModel(
  llama: Llama,
  params: Pick<
    EngineParsedParams<"load">,
    "path" | "gpuLayers" | "contextSize" | "kvCacheType" | "family" | "draft" | "promptLookup" | "batchThreads" | "flashAttention" | "sequences"
  >,
  options: LoadOptions,
): Promise<LoadedChat> {
  const { signal } = options;
  let lastSent = -1;
  const model = await llama.loadModel({
    modelPath: params.path,
    gpuLayers: params.gpuLayers,
    loadSignal: signal,
    onLoadProgress: (progress) => {
      if (progress - lastSent < 0.01 && progress < 1) return;
      lastSent = progress;
      options.onProgress(Math.min(1, Math.max(0, progress)));
    },
  });
  let layout = kvCacheLayout(attentionShape(model), params.kvCacheType);
  let context: LlamaContext;
  let draft: LoadedDraft | undefined;
  let draftMeasurement: DraftMeasurement | null = null;
  let measurement: ThreadsMeasurement | null = null;
  let batchThreads: number;
  try {
    signal.throwIfAborted();
    // Threads matter only where the CPU does the work; a fully offloaded model keeps the default.
    if (options.measureThreadsUpTo !== undefined && model.gpuLayers < model.fileInsights.totalLayers) {
      measurement = await measureBestThreads(model, options.measureThreadsUpTo, { signal });
    }
    const threads = measurement?.threads ?? options.threads;
    // Prompt batches on their own measured count (node-llama-cpp patched: patches/); a count the user set applies to both.
    batchThreads = measurement?.batchThreads ?? params.batchThreads ?? threads;
    // A context above the training length only costs memory and quality.
    const contextSize = Math.min(params.contextSize, model.trainContextSize || params.contextSize);
    // On the CPU with an F16 cache flash attention may go either way: measured with the threads, kept with them.
    const attentionChoosable = model.gpuLayers === 0 && layout.keyType === "f16" && layout.flashAttention && contextSize <= FLASH_ATTENTION_OFF_MAX_CONTEXT;
    if (measurement && attentionChoosable) measurement.flashAttention = await measureFlashAttention(model, { threads, batchThreads }, { signal });
    const offFaster = (measurement?.flashAttention?.flashAttention ?? params.flashAttention) === false;
    if (attentionChoosable && offFaster && (await flashAttentionOffFits(model, contextSize * (params.sequences ?? 1))))
      layout = { ...layout, flashAttention: false };
    // node-llama-cpp 3.21 gives each sequence its own `contextSize` cells (n_ctx = size × sequences),
    // so every request gets the context the person chose.
    context = await model.createContext({
      contextSize,
      sequences: params.sequences,
      threads,
      batchThreads,
      createSignal: signal,
      failedCreationRemedy: false,
      ...contextCacheOptions(layout),
    });
    if (params.draft) {
      ({ draft, measurement: draftMeasurement } = await loadCheckedDraft(model, params.draft, { contextSize: context.contextSize, threads, signal }).catch(
        async (err: unknown) => {
          await context.dispose();
          throw err;
        },
      ));
    }
  } catch (err) {
    await model.dispose();
    throw err;
  }
  const setup = setUpChat(model, params.family);
  // The draft model has one sequence of its own, so only the window's sequence drafts with it.
  const sequences: SequenceChat[] = [];
  for (let i = 0; i < context.totalSequences; i++) {
    const lookup = (i > 0 || !draft) && params.promptLookup ? new SwitchedLookupPredictor() : undefined;
    const sequence = context.getSequence({ tokenPredictor: i === 0 ? (draft?.predictor ?? lookup) : lookup });
    sequences.push({ chat: new LlamaChat({ contextSequence: sequence, chatWrapper: setup.wrapper }), lookup });
  }
  const { chat, lookup } = sequences[0]!;
  const info: LoadedModel = {
    path: params.path,
    name: modelName(model, params.path),
    architecture: String(model.fileInfo.metadata?.general?.architecture ?? "unknown"),
    family: setup.family,
    chatWrapper: setup.wrapper.wrapperName,
    forcedThinking: setup.forcedThinking,
    systemPromptAllowed: setup.systemPromptAllowed,
    contextSize: context.contextSize,
    kvCacheType: layout.keyType,
    flashAttention: layout.flashAttention,
    gpuLayers: model.gpuLayers,
    totalLayers: model.fileInsights.totalLayers,
    threads: context.currentThreads,
    batchThreads,
    threadsMeasurement: measurement,
    backend: backendKindOf(llama.gpu),
    sizeBytes: model.size,
    loadMs: performance.now() - options.startedAt,
    draft: draft && params.draft ? draftInfo(draft, params.draft.path) : null,
    draftMeasurement,
    sequences: context.totalSequences,
  };
  return { model, context, chat, sequences, info, draft, lookup };
}

/** The draft; one the core chose itself is measured first and dropped again unless it is faster here. */
async function loadCheckedDraft(
  model: LlamaModel,
  request: { path: string; measure?: boolean },
  options: { contextSize: number; threads: number; signal: AbortSignal },
): Promise<{ draft: LoadedDraft | undefined; measurement: DraftMeasurement | null }> {
  const draft = await loadDraft(model.llama, request.path, options);
  if (!request.measure) return { draft, measurement: null };
  try {
    const measurement = await measureDraftSpeedup(model, draft.model, options);
    if (measurement.kept) return { draft, measurement };
    draft.predictor.dispose();
    await disposeDraft(draft);
    return { draft: undefined, measurement };
  } catch (err) {
    draft.predictor.dispose();
    await disposeDraft(draft);
    throw err;
  }
}

/** The attention shape kvCacheLayout decides on, from the file's header. */
function attentionShape(model: LlamaModel): { mla: boolean; sameHeadSize: boolean } {
  const attention = (model.fileInfo.architectureMetadata as { attention?: Record<string, unknown> } | undefined)?.attention ?? {};
  return { mla: attention.key_length_mla !== undefined, sameHeadSize: model.fileInsights.flashAttentionSupported };
}

const GGML_TYPE_NAMES: Record<KvCacheType, "F16" | "Q8_0" | "Q4_0"> = { f16: "F16", q8_0: "Q8_0", q4_0: "Q4_0" };

/**
 * node-llama-cpp's context options for a cache layout. An F16 cache keeps its defaults (flash
 * attention "auto" where the heads allow it); a quantized one names both types and turns flash
 * attention on or off explicitly, since llama.cpp refuses a quantized V cache without it.
 */
function contextCacheOptions(layout: KvCacheLayout) {
  if (layout.keyType === "f16") return layout.flashAttention ? {} : { flashAttention: false };
  return {
    flashAttention: layout.flashAttention,
    experimentalKvCacheKeyType: GGML_TYPE_NAMES[layout.keyType],
    experimentalKvCacheValueType: GGML_TYPE_NAMES[layout.valueType],
  };
}

function modelName(model: LlamaModel, filePath: string): string {
  const name = model.fileInfo.metadata?.general?.name;
  return typeof name === "string" && name.trim() ? name.trim() : path.basename(filePath, ".gguf");
}

import { z } from "zod";
import { KV_CACHE_TYPES } from "../kv-cache.js";
import { call, JobId, JobStarted } from "./define.js";

/** The KV cache's element type; quantized types need flash attention for values (see shared/kv-cache.ts). */
export const KvCacheType = z.enum(KV_CACHE_TYPES);
export type KvCacheType = z.infer<typeof KvCacheType>;
/** "auto": q8_0, or q4_0 where that buys the larger context. */
export const KvCacheChoice = z.union([z.literal("auto"), KvCacheType]);
export type KvCacheChoice = z.infer<typeof KvCacheChoice>;

/**
 * The one default context: what a load gets when "auto" cannot be planned, the smallest step of
 * room to reason, what the picker evaluates before settings say otherwise, and what server recipes
 * assume. Every supported machine holds it for every distill.
 */
export const DEFAULT_CONTEXT_SIZE = 8192;

/** What the user may ask for; "auto" tries CUDA → Vulkan → CPU (Metal on macOS). */
export const BackendChoice = z.enum(["auto", "cuda", "vulkan", "metal", "cpu"]);
export type BackendChoice = z.infer<typeof BackendChoice>;

/** A backend that actually runs. */
export const BackendKind = z.enum(["cuda", "vulkan", "metal", "cpu"]);
export type BackendKind = z.infer<typeof BackendKind>;

export const BackendInfo = z.object({
  /** The backend in use. */
  backend: BackendKind,
  /** What was asked for (settings or the load request). */
  requested: BackendChoice,
  /** Backends this machine appears able to run (drivers detected); CPU is always there. */
  available: z.array(BackendKind),
  /** Backends that crashed the engine while starting: "auto" skips them (electron/engine/backend-attempts.ts). */
  excluded: z.array(BackendKind).optional(),
  /** Said to the person while a backend is excluded. */
  notice: z.string().optional(),
  devices: z.array(z.string()),
  vram: z.object({ totalBytes: z.number(), usedBytes: z.number(), freeBytes: z.number() }),
  cpuMathCores: z.number().int(),
  /** Threads generation uses: the user's choice or cpuMathCores. */
  threads: z.number().int(),
  llamaCppRelease: z.string(),
});
export type BackendInfo = z.infer<typeof BackendInfo>;

/**
 * How a model family is driven. `r1-distill`: the original DeepSeek-R1 distills (response forced to
 * start inside `<think>\n`, no system prompt by default). `r1-0528`: newer R1 releases (system prompt
 * allowed, no forced think). `other`: whatever node-llama-cpp resolves from the file.
 */
export const ModelFamily = z.enum(["r1-distill", "r1-0528", "other"]);
export type ModelFamily = z.infer<typeof ModelFamily>;

const PhaseSpeeds = z.object({ prompt: z.number(), generation: z.number() });

/** Tokens per second with flash attention on and off, and the choice (see electron/engine/attention-calibration.ts). */
export const FlashAttentionMeasurement = z.object({ on: PhaseSpeeds, off: PhaseSpeeds, flashAttention: z.boolean() });
export type FlashAttentionMeasurement = z.infer<typeof FlashAttentionMeasurement>;

/** What the engine measured to choose its thread count (see electron/engine/thread-calibration.ts). */
export const ThreadsMeasurement = z.object({
  threads: z.number().int().min(1),
  /** Generation speed of each candidate on this machine and model; empty when there was one candidate. */
  candidates: z.array(z.object({ threads: z.number().int().min(1), tokensPerSecond: z.number() })),
  /** Threads for prompt batches, measured apart; absent in choices kept before prompts were measured. */
  batchThreads: z.number().int().min(1).optional(),
  /** Prompt speed of each candidate. */
  batchCandidates: z.array(z.object({ threads: z.number().int().min(1), tokensPerSecond: z.number() })).optional(),
  /** Measured for a model on the CPU with an F16 cache, the one case where either setting runs. */
  flashAttention: FlashAttentionMeasurement.optional(),
});
export type ThreadsMeasurement = z.infer<typeof ThreadsMeasurement>;

/** Generation with and without a draft the core chose itself, measured at load on scratch contexts. */
export const DraftMeasurement = z.object({
  withDraftTokensPerSecond: z.number(),
  withoutTokensPerSecond: z.number(),
  /** Whether the draft was kept (measured faster); a draft the load named is kept regardless. */
  kept: z.boolean(),
});
export type DraftMeasurement = z.infer<typeof DraftMeasurement>;

/** Who a response is for: the person in the app's window, or a client of the local API. */
export const RequestLane = z.enum(["window", "api"]);
export type RequestLane = z.infer<typeof RequestLane>;

/** The most sequences ("Parallel requests") one context may hold. */
export const MAX_SEQUENCES = 16;

export const LoadedModel = z.object({
  path: z.string(),
  name: z.string(),
  architecture: z.string(),
  family: ModelFamily,
  chatWrapper: z.string(),
  forcedThinking: z.boolean(),
  systemPromptAllowed: z.boolean(),
  contextSize: z.number().int(),
  /** The KV cache's key type; values may stay F16 where flash attention cannot run (shared/kv-cache.ts). */
  kvCacheType: KvCacheType,
  flashAttention: z.boolean(),
  gpuLayers: z.number().int(),
  totalLayers: z.number().int(),
  threads: z.number().int(),
  /** Threads for prompt batches (32 tokens or more); the same as `threads` unless measured otherwise. */
  batchThreads: z.number().int().optional(),
  /** Present when this load measured the thread count (settings "auto" and nothing cached yet). */
  threadsMeasurement: ThreadsMeasurement.nullable().optional(),
  backend: BackendKind,
  sizeBytes: z.number(),
  loadMs: z.number(),
  /** The draft model of speculative decoding, loaded next to this one; null or absent: none. */
  draft: z.object({ path: z.string(), name: z.string(), sizeBytes: z.number() }).nullable().optional(),
  /** Present when the load measured whether the draft pays off here. */
  draftMeasurement: DraftMeasurement.nullable().optional(),
  /** The catalog variant this file is, when the load named one (the core keeps it; the engine process never sees it). */
  variantId: z.string().nullable().optional(),
  /** Sequences in the context, each with the full context: requests answered at once (absent: 1). */
  sequences: z.number().int().min(1).optional(),
});
export type LoadedModel = z.infer<typeof LoadedModel>;

export const CrashReport = z.object({
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  /** The model that was loaded or being loaded, if any. */
  lastModel: z.string().nullable(),
  /** What the engine was doing: "load", "generate", … */
  lastOperation: z.string().nullable(),
  at: z.string(),
  message: z.string(),
  /** Whether the engine was started again (and the model reloaded where it was loaded). */
  restarted: z.boolean(),
});
export type CrashReport = z.infer<typeof CrashReport>;

export const EngineState = z.enum(["stopped", "starting", "idle", "loading", "ready", "generating", "restarting"]);
export type EngineState = z.infer<typeof EngineState>;

export const EngineStatus = z.object({
  state: EngineState,
  model: LoadedModel.nullable(),
  backend: BackendInfo.nullable(),
  lastCrash: CrashReport.nullable(),
});
export type EngineStatus = z.infer<typeof EngineStatus>;

export const GpuLayersChoice = z.union([z.literal("auto"), z.number().int().min(0).max(10_000)]);

export const LoadRequest = z
  .object({
    /** Absolute path of a .gguf file; validated before llama.cpp sees it. */
    path: z.string().min(1).max(4096),
    /**
     * Omitted: the settings' context size, which by default is room to reason: the largest of
     * 64K/32K/16K/8K the fit estimator says runs here. Never node-llama-cpp's unbounded "auto".
     */
    contextSize: z.number().int().min(256).max(1_048_576).optional(),
    /** Omitted: the settings' choice ("auto": q8_0, or q4_0 where that buys the larger context). */
    kvCacheType: KvCacheType.optional(),
    /** A number from the fit plan, or "auto" (node-llama-cpp fits layers to free VRAM). */
    gpuLayers: GpuLayersChoice.optional(),
    backend: BackendChoice.optional(),
    threads: z.number().int().min(1).max(512).optional(),
    /** Overrides the family detected from the file. */
    family: ModelFamily.optional(),
    /**
     * A draft model for speculative decoding (absolute path; refused unless its tokenizer is the
     * model's). Omitted: one from the library when the setting is on; null: none.
     */
    draftPath: z.string().min(1).max(4096).nullable().optional(),
    /** The catalog variant the file is (the Models page knows it): its measured speed is recorded for that variant. */
    variantId: z.string().min(1).max(200).optional(),
    /** Requests answered at once (each a sequence with the whole context). Omitted: the settings' "Parallel requests". */
    sequences: z.number().int().min(1).max(MAX_SEQUENCES).optional(),
  })
  .strict();
export type LoadRequest = z.input<typeof LoadRequest>;

export const engineCalls = {
  "engine.status": call(z.object({}).strict(), EngineStatus),
  /** Load a model (unloads the current one first). Progress: engine.loadProgress, then engine.loaded or engine.loadFailed. */
  "engine.load": call(LoadRequest, JobStarted),
  "engine.unload": call(z.object({}).strict(), z.object({ unloaded: z.boolean() })),
  /** The backend in use (starting the engine if needed), its devices and VRAM. */
  "engine.backends": call(z.object({ backend: BackendChoice.optional() }).strict(), BackendInfo),
};

export const engineEvents = {
  "engine.loadProgress": z.object({ jobId: JobId, path: z.string(), progress: z.number().min(0).max(1) }),
  "engine.loaded": z.object({ jobId: JobId, model: LoadedModel }),
  "engine.loadFailed": z.object({ jobId: JobId, path: z.string(), message: z.string(), cancelled: z.boolean() }),
  "engine.unloaded": z.object({ path: z.string() }),
  /** The engine process died; it was restarted when `restarted` is true. */
  "engine.crashed": CrashReport,
};

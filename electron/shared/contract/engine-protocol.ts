import { z } from "zod";
import { ChatTurn, GenerationMetrics, ResolvedGenerationOptions, StopReason } from "./chat.js";
import { BackendChoice, BackendInfo, GpuLayersChoice, KvCacheType, LoadedModel, MAX_SEQUENCES, ModelFamily, RequestLane } from "./engine.js";
import { CallError } from "../errors.js";
import { ToolCall, ToolOptions } from "./tools.js";

/**
 * The messages between the app core and the engine process (node-llama-cpp). Both sides parse what
 * they receive with these schemas: the engine process may be a different build, or half-dead.
 *
 * core → engine: `call` (one method, answered by exactly one `result` with the same id) and
 * `cancel` (aborts the load or generation started with that opId).
 * engine → core: `ready` once at start, `result`, and progress messages carrying an opId.
 */

export const OpId = z.string().min(1).max(100);

export const EngineMethods = {
  /** Choose the backend (re-initialises llama.cpp when it differs and nothing is loaded). */
  init: {
    params: z.object({ backend: BackendChoice, threads: z.number().int().min(1).optional() }),
    result: BackendInfo,
  },
  backendInfo: { params: z.object({}), result: BackendInfo },
  load: {
    params: z.object({
      opId: OpId,
      path: z.string(),
      contextSize: z.number().int().min(256),
      /** The engine lays it out for the model's attention (kvCacheLayout): flash attention where values are quantized. */
      kvCacheType: KvCacheType.default("f16"),
      gpuLayers: GpuLayersChoice,
      backend: BackendChoice.optional(),
      threads: z.number().int().min(1).optional(),
      /** Threads for prompt batches, kept from an earlier measurement; without it, prompts use `threads`. */
      batchThreads: z.number().int().min(1).optional(),
      /** From the same kept measurement: false where flash attention off finished a turn sooner here. */
      flashAttention: z.boolean().optional(),
      /** Without threads: measure which thread count generates fastest on this machine and model. */
      measureThreads: z.boolean().optional(),
      family: ModelFamily.optional(),
      /** A draft model with the same tokenizer (checked by the core): speculative decoding. */
      /** `measure`: keep it only if it measures faster here (a draft the core chose; one the user named is kept). */
      draft: z.object({ path: z.string(), measure: z.boolean().optional() }).optional(),
      /** Without a draft: prompt-lookup decoding for turns with attachments or pasted code. */
      promptLookup: z.boolean().optional(),
      /** Sequences in the context, each with the whole `contextSize`: requests answered at once. */
      sequences: z.number().int().min(1).max(MAX_SEQUENCES).default(1),
    }),
    result: LoadedModel,
  },
  unload: { params: z.object({}), result: z.object({ unloaded: z.boolean(), path: z.string().nullable() }) },
  generate: {
    params: z.object({
      opId: OpId,
      /** Keeps each conversation's context-shift state apart. */
      conversationId: z.string().nullable(),
      /** Earlier turns (answers only) and the new user turn last. */
      turns: z.array(ChatTurn).min(1),
      options: ResolvedGenerationOptions,
      /** What an earlier, stopped run of this same response wrote: generation goes on from there. */
      continuation: z.object({ thought: z.string(), answer: z.string() }).optional(),
      /**
       * The conversation's saved context (core/saved-context): `load` is tried when the engine does not
       * hold that conversation already; after the response the context is saved to `save`.
       */
      state: z.object({ load: z.string().nullable(), save: z.string().nullable() }).optional(),
      /** Who asks: the app's window has a sequence of its own; API clients share the others. */
      lane: RequestLane.default("window"),
      /** Tools, stop strings and answer format (the local API's requests). */
      tools: ToolOptions.optional(),
    }),
    result: z.object({
      stopReason: StopReason,
      thought: z.string(),
      answer: z.string(),
      metrics: GenerationMetrics,
      message: z.string().nullable(),
      /** Tokens of the conversation that came from its saved state instead of being evaluated again. */
      restoredStateTokens: z.number().int().nullable().optional(),
      /** The tool calls the response ended with (after its reasoning); absent or empty: none. */
      toolCalls: z.array(ToolCall.omit({ result: true })).optional(),
    }),
  },
  /** llama.cpp's own memory accounting and the process RSS, to verify that unload frees memory. */
  memory: {
    params: z.object({}),
    result: z.object({ llamaCpuRamBytes: z.number(), llamaGpuVramBytes: z.number(), rssBytes: z.number() }),
  },
  /** Tokens of each text under the loaded model's tokenizer (no special tokens added). */
  countTokens: {
    params: z.object({ texts: z.array(z.string()).max(10_000) }),
    result: z.object({ counts: z.array(z.number().int().nonnegative()) }),
  },
  /** Vectors of each text from a GGUF embedding model (loaded beside the chat model on first use). */
  embed: {
    params: z.object({ modelPath: z.string().min(1).max(4096), texts: z.array(z.string()).max(1024) }),
    result: z.object({ vectors: z.array(z.array(z.number())) }),
  },
  /** What the model actually evaluated last: the context tokens, detokenized with special tokens. */
  inspectContext: {
    params: z.object({}),
    result: z.object({ text: z.string(), tokens: z.number().int() }),
  },
} as const;

export type EngineMethod = keyof typeof EngineMethods;
export type EngineParams<M extends EngineMethod> = z.input<(typeof EngineMethods)[M]["params"]>;
/** Params after parsing (defaults applied), as the engine sees them. */
export type EngineParsedParams<M extends EngineMethod> = z.output<(typeof EngineMethods)[M]["params"]>;
export type EngineResult<M extends EngineMethod> = z.output<(typeof EngineMethods)[M]["result"]>;

export const engineMethodNames = Object.keys(EngineMethods) as EngineMethod[];

export const CoreToEngine = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("call"), id: z.number().int(), method: z.enum(engineMethodNames as [EngineMethod, ...EngineMethod[]]), params: z.unknown() }),
  z.object({ kind: z.literal("cancel"), opId: OpId }),
]);
export type CoreToEngine = z.infer<typeof CoreToEngine>;

export const EngineToCore = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("ready"), pid: z.number().int() }),
  z.object({ kind: z.literal("result"), id: z.number().int(), ok: z.literal(true), value: z.unknown() }),
  z.object({
    kind: z.literal("error"),
    id: z.number().int(),
    /** The engine's failures carry the app's error codes, passed on unchanged to the caller. */
    error: CallError,
  }),
  z.object({ kind: z.literal("loadProgress"), opId: OpId, progress: z.number().min(0).max(1) }),
  /** New text since the previous delta of the same generation, coalesced by the engine. */
  z.object({ kind: z.literal("delta"), opId: OpId, thought: z.string(), answer: z.string(), thoughtTokens: z.number().int().nonnegative().optional() }),
  z.object({ kind: z.literal("notice"), opId: OpId, message: z.string() }),
]);
export type EngineToCore = z.infer<typeof EngineToCore>;

import { KV_BYTES_PER_VALUE, kvCacheLayout, type KvCacheLayout, type KvCacheType } from "../../shared/kv-cache.js";
import type { ModelStructure } from "./model-structure.js";

/**
 * Memory a model needs once loaded with a context, per device, mirroring how llama.cpp places
 * things: the token embedding stays in RAM, blocks `n_layer + 1 - gpuLayers` and above go to the
 * GPU with their slice of the KV cache, the output layer joins the GPU as soon as any layer does.
 */

export interface MemoryOptions {
  contextSize: number;
  /** 0 … blocks + 1 (the output layer counts as one, as in llama.cpp and node-llama-cpp). */
  gpuLayers: number;
  /** Tokens per evaluation step; node-llama-cpp's default is min(context, 512). */
  batchSize?: number;
  /** The requested KV cache type (F16 by default); see kvCacheLayout for what each model makes of it. */
  kvCacheType?: KvCacheType;
  /** Override the layout's flash-attention choice. */
  flashAttention?: boolean;
  /** GPUs the layers are split across; each holds its own scratch buffer. */
  gpuCount?: number;
  /** Sequences ("Parallel requests"), each with its own `contextSize` of KV cache (1 unless given). */
  sequences?: number;
}

export interface DeviceSplit {
  weightsBytes: number;
  kvCacheBytes: number;
  computeBytes: number;
}

export interface MemoryEstimate {
  gpu: DeviceSplit;
  cpu: DeviceSplit;
  gpuBlocks: number;
  outputOnGpu: boolean;
  contextSize: number;
  kvCache: KvCacheLayout;
}

/** How llama.cpp stores this model's KV cache at a requested type. */
export const kvLayoutOf = (s: ModelStructure, type: KvCacheType = "f16"): KvCacheLayout =>
  kvCacheLayout({ mla: s.mla, sameHeadSize: s.keyLength === s.valueLength }, type);

/** llama.cpp pads the context to a multiple of 256 cells. */
export function paddedContext(contextSize: number): number {
  return Math.ceil(contextSize / 256) * 256;
}

/** KV cache bytes one block needs per token of context. */
export function kvBytesPerTokenPerBlock(s: ModelStructure, layout: KvCacheLayout = kvLayoutOf(s)): number {
  // MLA caches the compressed latent and the shared RoPE key once per token (K only; V is a view
  // of it); the per-head keys and values are rebuilt from it, so the cache stays small. The older
  // deepseek2 layout caches every head's full key (192) and value (128): about 71 times more.
  const keys = s.kvHeads * s.keyLength * KV_BYTES_PER_VALUE[layout.keyType];
  if (s.mla) return keys;
  return keys + s.kvHeads * s.valueLength * KV_BYTES_PER_VALUE[layout.valueType];
}

/**
 * Scratch memory of one evaluation step (llama.cpp's compute buffer). The allocator reuses memory,
 * so the peak is the larger of two phases: the logits of the whole batch at the end, or the
 * attention phase. With flash attention that phase holds an F16 mask of batch × context and the
 * widest activations; without it, also the F32 attention scores of every head (batch × context ×
 * heads) and an F32 mask. The batch's input embeddings come on top.
 * Fitted to llama.cpp's own memory report on generated models, dense and MLA
 * (test/model/fit-measured.test.ts).
 */
export function computeBufferBytes(s: ModelStructure, contextSize: number, batchSize: number, flashAttention = kvLayoutOf(s).flashAttention): number {
  const u = Math.min(batchSize, contextSize);
  const ctx = paddedContext(contextSize);
  const f32 = 4;
  const ffnWidth = Math.max(s.ffn, s.activeExperts * s.expertFfn);
  const activations = f32 * u * (3 * s.embedding + ffnWidth);
  const logitsPhase = f32 * u * s.vocab;
  const attentionPhase = flashAttention
    ? 2 * u * ctx + activations
    : f32 * u * ctx * s.heads + f32 * u * ctx + f32 * u * s.heads * (s.keyLength + s.valueLength) + activations;
  return Math.max(logitsPhase, attentionPhase) + inputBytes(s, u);
}

/** The batch's token embeddings and positions, kept on the host. */
const inputBytes = (s: ModelStructure, u: number) => 4 * u * s.embedding * 2;

export function estimateMemory(s: ModelStructure, options: MemoryOptions): MemoryEstimate {
  const ctx = paddedContext(options.contextSize);
  const batch = options.batchSize ?? Math.min(options.contextSize, 512);
  const gpuLayers = Math.max(0, Math.min(options.gpuLayers, s.blocks + 1));
  const firstGpuBlock = s.blocks + 1 - gpuLayers;
  const layout = kvLayoutOf(s, options.kvCacheType);
  const kvCache = { ...layout, flashAttention: options.flashAttention ?? layout.flashAttention };
  const kvPerBlock = kvBytesPerTokenPerBlock(s, kvCache) * ctx * Math.max(1, options.sequences ?? 1);

  const gpu: DeviceSplit = { weightsBytes: 0, kvCacheBytes: 0, computeBytes: 0 };
  const cpu: DeviceSplit = { weightsBytes: s.inputBytes, kvCacheBytes: 0, computeBytes: 0 };
  let gpuBlocks = 0;
  for (let i = 0; i < s.blocks; i++) {
    const side = i >= firstGpuBlock ? gpu : cpu;
    if (side === gpu) gpuBlocks++;
    side.weightsBytes += s.blockBytes[i] ?? 0;
    side.kvCacheBytes += kvPerBlock;
  }
  const outputOnGpu = gpuLayers >= 1;
  (outputOnGpu ? gpu : cpu).weightsBytes += s.outputBytes;

  const graph = computeBufferBytes(s, options.contextSize, batch, kvCache.flashAttention);
  if (gpuLayers === 0) {
    cpu.computeBytes = graph;
  } else {
    // Every GPU in a layer split reserves scratch for the widest step of its own layers.
    gpu.computeBytes = graph * Math.max(1, Math.min(options.gpuCount ?? 1, gpuBlocks));
    // The inputs stay on the host; with blocks in RAM the CPU evaluates them with its own scratch.
    const host = inputBytes(s, Math.min(batch, options.contextSize));
    cpu.computeBytes = host + (gpuBlocks < s.blocks ? graph * ((s.blocks - gpuBlocks) / s.blocks) : 0);
  }
  return { gpu, cpu, gpuBlocks, outputOnGpu, contextSize: ctx, kvCache };
}

export const deviceTotal = (d: DeviceSplit) => d.weightsBytes + d.kvCacheBytes + d.computeBytes;

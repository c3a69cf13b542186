import type { GgufFileInfo } from "node-llama-cpp";
import { tensorBytes } from "./ggml-types.js";

/**
 * What the estimator needs to know about a model, read from a GGUF header (a real file's or a
 * metadata-only one generated from the catalog): per-block weight bytes and the attention shape.
 */
export interface ModelStructure {
  arch: string;
  blocks: number;
  embedding: number;
  heads: number;
  kvHeads: number;
  keyLength: number;
  valueLength: number;
  /**
   * Multi-head latent attention in llama.cpp's MLA layout (`key_length_mla` present): the cache
   * keeps only K, one latent of `keyLength` × `kvHeads` per token and layer. Older deepseek2 files
   * without it run as plain multi-head attention with a far larger cache.
   */
  mla: boolean;
  ffn: number;
  /** Width of one expert's FFN (mixtures of experts), else 0. */
  expertFfn: number;
  /**
   * Whether node-llama-cpp lets llama.cpp use flash attention ("auto"): only when keys and values
   * have the same head size. MLA models (576 vs 512) therefore run without it and materialise the
   * attention scores, which dominates their scratch memory at long contexts.
   */
  flashAttention: boolean;
  vocab: number;
  contextLength: number;
  experts: number;
  activeExperts: number;
  /** Weight bytes of each block (all experts). */
  blockBytes: number[];
  /** Weight bytes of each block one token reads (only the active experts). */
  blockActiveBytes: number[];
  /** token_embd: always in RAM (llama.cpp keeps the input layer on the CPU). */
  inputBytes: number;
  /** output + output_norm: on the GPU whenever any layer is offloaded. */
  outputBytes: number;
  totalBytes: number;
  parameters: number;
  activeParameters: number;
}

const num = (v: unknown): number | undefined => (typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : undefined);

export function structureFromGgufInfo(info: GgufFileInfo): ModelStructure {
  const md = info.architectureMetadata as Record<string, unknown> & {
    attention?: Record<string, unknown>;
  };
  const arch = String(info.metadata?.general?.architecture ?? "unknown");
  const tensors = info.fullTensorInfo ?? info.tensorInfo ?? [];
  const attention = md.attention ?? {};
  const heads = num(attention.head_count) ?? 0;
  const embedding = num(md.embedding_length) ?? 0;
  const kvHeads = num(attention.head_count_kv) ?? heads;
  const headDim = heads > 0 ? embedding / heads : 0;
  const mla = num(attention.key_length_mla) !== undefined && num(attention.value_length_mla) !== undefined;
  const experts = num(md.expert_count) ?? 0;
  const activeExperts = num(md.expert_used_count) ?? 0;
  const tokens = (info.metadata?.tokenizer as unknown as { ggml?: { tokens?: unknown[] } } | undefined)?.ggml?.tokens;

  let blocks = num(md.block_count) ?? 0;
  const blockBytes: number[] = [];
  const blockActiveBytes: number[] = [];
  let inputBytes = 0;
  let outputBytes = 0;
  let hasOutput = false;
  let embeddingRows: number | undefined;
  let parameters = 0;
  let activeParameters = 0;
  const expertShare = experts > 0 ? activeExperts / experts : 1;
  for (const t of tensors) {
    const bytes = tensorBytes(t.ggmlType, t.dimensions);
    const elements = t.dimensions.reduce<number>((p, d) => p * Number(d), 1);
    parameters += elements;
    const isExperts = /_exps\.weight$/.test(t.name);
    activeParameters += isExperts ? elements * expertShare : elements;
    const block = /^blk\.(\d+)\./.exec(t.name);
    if (block) {
      const i = Number(block[1]);
      blocks = Math.max(blocks, i + 1);
      blockBytes[i] = (blockBytes[i] ?? 0) + bytes;
      blockActiveBytes[i] = (blockActiveBytes[i] ?? 0) + (isExperts ? bytes * expertShare : bytes);
    } else if (t.name.startsWith("token_embd")) {
      inputBytes += bytes;
      if (t.name === "token_embd.weight") embeddingRows = Number(t.dimensions[1] ?? 0);
    } else {
      if (t.name === "output.weight") hasOutput = true;
      outputBytes += bytes;
    }
  }
  // Tied embeddings: llama.cpp gives the output layer its own copy of token_embd.
  if (!hasOutput) outputBytes += inputBytes;
  for (let i = 0; i < blocks; i++) {
    blockBytes[i] ??= 0;
    blockActiveBytes[i] ??= 0;
  }
  const totalBytes = inputBytes + outputBytes + blockBytes.reduce((a, b) => a + b, 0) - (hasOutput ? 0 : inputBytes);
  return {
    arch,
    blocks,
    embedding,
    heads,
    kvHeads,
    keyLength: num(attention.key_length) ?? headDim,
    valueLength: num(attention.value_length) ?? headDim,
    mla,
    ffn: num(md.feed_forward_length) ?? 0,
    expertFfn: num(md.expert_feed_forward_length) ?? 0,
    flashAttention: (num(attention.key_length) ?? headDim) === (num(attention.value_length) ?? headDim),
    vocab: num(md.vocab_size) ?? tokens?.length ?? embeddingRows ?? 0,
    contextLength: num(md.context_length) ?? 0,
    experts,
    activeExperts,
    blockBytes,
    blockActiveBytes,
    inputBytes,
    outputBytes,
    totalBytes,
    parameters,
    activeParameters,
  };
}

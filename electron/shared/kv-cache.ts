/**
 * The KV cache types the app offers and how llama.cpp lays each out for a model's attention shape.
 * Shared by the fit estimator (core) and the engine process, so both apply the same rule.
 */

export const KV_CACHE_TYPES = ["f16", "q8_0", "q4_0"] as const;
export type KvCacheType = (typeof KV_CACHE_TYPES)[number];

/** Bytes per cached value: ggml's block sizes (q8_0 stores 32 values in 34 bytes, q4_0 in 18). */
export const KV_BYTES_PER_VALUE: Record<KvCacheType, number> = { f16: 2, q8_0: 34 / 32, q4_0: 18 / 32 };

export interface AttentionShape {
  /** llama.cpp's compressed (MLA) cache: one latent per token, V a view of K. */
  mla: boolean;
  /** Keys and values have the same head size (node-llama-cpp only enables flash attention then by default). */
  sameHeadSize: boolean;
}

export interface KvCacheLayout {
  keyType: KvCacheType;
  valueType: KvCacheType;
  flashAttention: boolean;
}

/**
 * What a requested cache type becomes for a model, following the bundled llama.cpp's rules:
 * a quantized V cache needs flash attention, and an MLA cache needs K and V of one type (V is a view
 * of K), so both get flash attention. Models whose key and value heads differ without MLA (the January
 * R1 files: 192 vs 128) keep V in F16 and run without flash attention, as published runs do
 * (q4_0 K cache only).
 */
export function kvCacheLayout(shape: AttentionShape, requested: KvCacheType): KvCacheLayout {
  if (requested === "f16") return { keyType: "f16", valueType: "f16", flashAttention: shape.sameHeadSize };
  if (shape.mla || shape.sameHeadSize) return { keyType: requested, valueType: requested, flashAttention: true };
  return { keyType: requested, valueType: "f16", flashAttention: false };
}

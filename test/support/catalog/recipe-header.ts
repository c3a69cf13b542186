import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { Architecture, QuantRecipeName } from "../../../electron/core/catalog/catalog-schema.js";
import { ggmlTypeName } from "../../../electron/core/gguf/ggml-types.js";
import { planTensors } from "../../../electron/core/fit/tensor-plan.js";
import { encodeGgufHeader, gguf, type GgufMetadata, type GgufTensorInfo } from "../gguf/header-writer.js";

/**
 * Header-only GGUF files for a catalog architecture and quantization recipe: the metadata keys and
 * tensor table a real model file of that shape carries, with no weights. The product builds its
 * estimate from the recipe directly (electron/core/fit/recipe-structure.ts); tests read these
 * through the product's GGUF reader, or node-llama-cpp's, to check the two agree.
 */

function architectureMetadata(a: Architecture, name: string, recipe: QuantRecipeName): GgufMetadata {
  const p = a.arch;
  const common: GgufMetadata = {
    "general.architecture": gguf.string(p),
    "general.name": gguf.string(`${name} (metadata only, ${recipe})`),
    "general.alignment": gguf.u32(32),
    [`${p}.block_count`]: gguf.u32(a.blocks),
    [`${p}.context_length`]: gguf.u32(a.contextLength),
    [`${p}.embedding_length`]: gguf.u32(a.embedding),
    [`${p}.attention.head_count`]: gguf.u32(a.heads),
    [`${p}.attention.layer_norm_rms_epsilon`]: gguf.f32(1e-6),
    [`${p}.vocab_size`]: gguf.u32(a.vocab),
    "tokenizer.ggml.model": gguf.string("gpt2"),
  };
  if (a.type === "dense") {
    return {
      ...common,
      [`${p}.feed_forward_length`]: gguf.u32(a.ffn),
      [`${p}.attention.head_count_kv`]: gguf.u32(a.kvHeads),
      [`${p}.attention.key_length`]: gguf.u32(a.headDim),
      [`${p}.attention.value_length`]: gguf.u32(a.headDim),
      [`${p}.rope.dimension_count`]: gguf.u32(a.headDim),
    };
  }
  const attention: GgufMetadata =
    a.attentionCache === "per-head"
      ? {
          // The older layout (January R1, R1-Zero): every head's key and value, no *_mla keys.
          [`${p}.attention.head_count_kv`]: gguf.u32(a.heads),
          [`${p}.attention.key_length`]: gguf.u32(a.qkNopeHeadDim + a.qkRopeHeadDim),
          [`${p}.attention.value_length`]: gguf.u32(a.vHeadDim),
        }
      : {
          // MLA as llama.cpp runs it: one "KV head" holding the latent and the RoPE key (576 wide);
          // the per-head sizes move to the *_mla keys.
          [`${p}.attention.head_count_kv`]: gguf.u32(1),
          [`${p}.attention.key_length`]: gguf.u32(a.kvLoraRank + a.qkRopeHeadDim),
          [`${p}.attention.value_length`]: gguf.u32(a.kvLoraRank),
          [`${p}.attention.key_length_mla`]: gguf.u32(a.qkNopeHeadDim + a.qkRopeHeadDim),
          [`${p}.attention.value_length_mla`]: gguf.u32(a.vHeadDim),
        };
  return {
    ...common,
    ...attention,
    [`${p}.feed_forward_length`]: gguf.u32(a.denseFfn),
    [`${p}.attention.q_lora_rank`]: gguf.u32(a.qLoraRank),
    [`${p}.attention.kv_lora_rank`]: gguf.u32(a.kvLoraRank),
    [`${p}.rope.dimension_count`]: gguf.u32(a.qkRopeHeadDim),
    [`${p}.leading_dense_block_count`]: gguf.u32(a.denseBlocks),
    [`${p}.expert_feed_forward_length`]: gguf.u32(a.expertFfn),
    [`${p}.expert_count`]: gguf.u32(a.experts),
    [`${p}.expert_shared_count`]: gguf.u32(a.sharedExperts),
    [`${p}.expert_used_count`]: gguf.u32(a.activeExperts),
    [`${p}.expert_weights_norm`]: gguf.bool(true),
  };
}

/** The header bytes for a catalog architecture and quantization recipe. */
export function recipeHeader(architecture: Architecture, name: string, recipe: QuantRecipeName): Buffer {
  const tensors: GgufTensorInfo[] = planTensors(architecture, recipe).map((t) => ({ name: t.name, dims: t.dims, type: ggmlTypeName(t.typeId)! }));
  return encodeGgufHeader(architectureMetadata(architecture, name, recipe), tensors);
}

/** Writes the header to `<dir>/<name>.<recipe>.gguf` and returns that path. */
export async function writeRecipeHeader(dir: string, architecture: Architecture, name: string, recipe: QuantRecipeName): Promise<string> {
  const file = path.join(dir, `${name}.${recipe}.gguf`);
  await writeFile(file, recipeHeader(architecture, name, recipe));
  return file;
}

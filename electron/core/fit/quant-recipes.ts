import type { QuantRecipeName } from "../catalog/catalog-schema.js";
import type { GgmlTypeName } from "./ggml-types.js";

/** What a recipe is told about one tensor when choosing its type. */
export interface TensorRole {
  name: string;
  /** Block index, or undefined for embeddings, output and final norm. */
  block?: number;
  blocks: number;
  /** 1-D tensors (norms, biases) and router weights stay F32 in every quantization. */
  keepF32: boolean;
}

/**
 * llama.cpp's `use_more_bits`: the first and last eighth of the layers and every third one
 * between them get more bits for attn_v and ffn_down in the _M mixes.
 */
function useMoreBits(block: number, blocks: number): boolean {
  return block < blocks / 8 || block >= (7 * blocks) / 8 || (block - Math.floor(blocks / 8)) % 3 === 2;
}

const isExpertTensor = (name: string) => name.endsWith("_exps.weight");

/** K-quant "_M" mixes as llama.cpp's `llama_tensor_get_type` builds them (the parts that move size). */
function kQuantMix(base: GgmlTypeName, role: TensorRole): GgmlTypeName {
  if (role.name === "output.weight") return "Q6_K";
  const moreBits = role.block !== undefined && useMoreBits(role.block, role.blocks);
  if (!moreBits) return base;
  const name = role.name;
  if (name.endsWith("attn_v.weight") || name.endsWith("ffn_down.weight") || name.endsWith("ffn_down_exps.weight") || name.endsWith("ffn_down_shexp.weight"))
    return "Q6_K";
  return base;
}

/**
 * Unsloth's dynamic quants of the 671B keep attention, dense blocks and shared experts at 4–6 bits
 * and squeeze only the routed experts; `down` gets more bits in the first MoE blocks. The exact
 * per-tensor choices vary by release, so these mixes are approximations (UD-IQ1_S comes to 141 GB
 * here against the "131 GB" unsloth quotes, which matches it in GiB); a downloaded file's own
 * header replaces them, and the catalog marks these sizes approximate until the hub confirms them.
 */
function dynamicMix(gateUp: GgmlTypeName, down: GgmlTypeName, downEarly: GgmlTypeName, role: TensorRole): GgmlTypeName {
  if (role.name === "output.weight") return "Q6_K";
  if (role.name === "token_embd.weight") return "Q4_K";
  if (isExpertTensor(role.name)) {
    if (role.name.includes("ffn_down")) return role.block !== undefined && role.block < 6 ? downEarly : down;
    return gateUp;
  }
  const name = role.name;
  if (["attn_kv_b.weight", "attn_k_b.weight", "attn_v_b.weight", "attn_output.weight"].some((end) => name.endsWith(end)) || name.includes("shexp"))
    return "Q6_K";
  return "Q4_K";
}

export function tensorTypeFor(recipe: QuantRecipeName, role: TensorRole): GgmlTypeName {
  if (role.keepF32) return "F32";
  switch (recipe) {
    case "F32":
      return "F32";
    case "F16":
      return "F16";
    case "Q8_0":
      return "Q8_0";
    case "Q6_K":
      return "Q6_K";
    case "Q5_K_M":
      return kQuantMix("Q5_K", role);
    case "Q4_K_M":
      return kQuantMix("Q4_K", role);
    case "UD-IQ1_S":
      return dynamicMix("IQ1_S", "IQ1_S", "IQ2_XXS", role);
    case "UD-IQ1_M":
      return dynamicMix("IQ1_M", "IQ2_XXS", "IQ3_XXS", role);
    case "UD-IQ2_XXS":
      return dynamicMix("IQ2_XXS", "IQ2_XXS", "IQ3_XXS", role);
    case "UD-Q2_K_XL":
      return dynamicMix("Q2_K", "Q2_K", "Q4_K", role);
  }
}

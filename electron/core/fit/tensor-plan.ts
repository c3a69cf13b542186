import type { Architecture, DenseArchitecture, MlaMoeArchitecture, QuantRecipeName } from "../catalog/catalog-schema.js";
import { GGML_TYPES, type GgmlTypeName } from "./ggml-types.js";
import { tensorTypeFor } from "./quant-recipes.js";

/** One tensor as a GGUF header lists it: name, ggml dimension order (ne0 first), type id. */
export interface PlannedTensor {
  name: string;
  dims: number[];
  typeId: number;
}

type Shape = { name: string; dims: number[]; block?: number };

function denseShapes(a: DenseArchitecture): Shape[] {
  const E = a.embedding;
  const q = a.heads * a.headDim;
  const kv = a.kvHeads * a.headDim;
  const shapes: Shape[] = [{ name: "token_embd.weight", dims: [E, a.vocab] }];
  for (let b = 0; b < a.blocks; b++) {
    const p = `blk.${b}.`;
    shapes.push(
      { name: `${p}attn_norm.weight`, dims: [E], block: b },
      { name: `${p}attn_q.weight`, dims: [E, q], block: b },
      { name: `${p}attn_k.weight`, dims: [E, kv], block: b },
      { name: `${p}attn_v.weight`, dims: [E, kv], block: b },
      { name: `${p}attn_output.weight`, dims: [q, E], block: b },
    );
    if (a.arch === "qwen2") {
      shapes.push(
        { name: `${p}attn_q.bias`, dims: [q], block: b },
        { name: `${p}attn_k.bias`, dims: [kv], block: b },
        { name: `${p}attn_v.bias`, dims: [kv], block: b },
      );
    }
    if (a.arch === "qwen3") {
      shapes.push({ name: `${p}attn_q_norm.weight`, dims: [a.headDim], block: b }, { name: `${p}attn_k_norm.weight`, dims: [a.headDim], block: b });
    }
    shapes.push(
      { name: `${p}ffn_norm.weight`, dims: [E], block: b },
      { name: `${p}ffn_gate.weight`, dims: [E, a.ffn], block: b },
      { name: `${p}ffn_up.weight`, dims: [E, a.ffn], block: b },
      { name: `${p}ffn_down.weight`, dims: [a.ffn, E], block: b },
    );
  }
  shapes.push({ name: "output_norm.weight", dims: [E] });
  if (!a.tiedEmbeddings) shapes.push({ name: "output.weight", dims: [E, a.vocab] });
  return shapes;
}

function mlaMoeShapes(a: MlaMoeArchitecture): Shape[] {
  const E = a.embedding;
  const H = a.heads;
  const shapes: Shape[] = [{ name: "token_embd.weight", dims: [E, a.vocab] }];
  for (let b = 0; b < a.blocks; b++) {
    const p = `blk.${b}.`;
    shapes.push(
      { name: `${p}attn_norm.weight`, dims: [E], block: b },
      { name: `${p}attn_q_a.weight`, dims: [E, a.qLoraRank], block: b },
      { name: `${p}attn_q_a_norm.weight`, dims: [a.qLoraRank], block: b },
      { name: `${p}attn_q_b.weight`, dims: [a.qLoraRank, H * (a.qkNopeHeadDim + a.qkRopeHeadDim)], block: b },
      { name: `${p}attn_kv_a_mqa.weight`, dims: [E, a.kvLoraRank + a.qkRopeHeadDim], block: b },
      { name: `${p}attn_kv_a_norm.weight`, dims: [a.kvLoraRank], block: b },
      ...(a.attentionCache === "per-head"
        ? // One up-projection from the latent to every head's key and value (the January R1 files).
          [{ name: `${p}attn_kv_b.weight`, dims: [a.kvLoraRank, H * (a.qkNopeHeadDim + a.vHeadDim)], block: b }]
        : // Split per head as current conversions write it (llama.cpp's MLA layout, `key_length_mla`).
          [
            { name: `${p}attn_k_b.weight`, dims: [a.qkNopeHeadDim, a.kvLoraRank, H], block: b },
            { name: `${p}attn_v_b.weight`, dims: [a.kvLoraRank, a.vHeadDim, H], block: b },
          ]),
      { name: `${p}attn_output.weight`, dims: [H * a.vHeadDim, E], block: b },
      { name: `${p}ffn_norm.weight`, dims: [E], block: b },
    );
    if (b < a.denseBlocks) {
      shapes.push(
        { name: `${p}ffn_gate.weight`, dims: [E, a.denseFfn], block: b },
        { name: `${p}ffn_up.weight`, dims: [E, a.denseFfn], block: b },
        { name: `${p}ffn_down.weight`, dims: [a.denseFfn, E], block: b },
      );
      continue;
    }
    shapes.push(
      { name: `${p}ffn_gate_inp.weight`, dims: [E, a.experts], block: b },
      { name: `${p}exp_probs_b.bias`, dims: [a.experts], block: b },
      { name: `${p}ffn_gate_exps.weight`, dims: [E, a.expertFfn, a.experts], block: b },
      { name: `${p}ffn_up_exps.weight`, dims: [E, a.expertFfn, a.experts], block: b },
      { name: `${p}ffn_down_exps.weight`, dims: [a.expertFfn, E, a.experts], block: b },
    );
    if (a.sharedExperts > 0) {
      const shared = a.expertFfn * a.sharedExperts;
      shapes.push(
        { name: `${p}ffn_gate_shexp.weight`, dims: [E, shared], block: b },
        { name: `${p}ffn_up_shexp.weight`, dims: [E, shared], block: b },
        { name: `${p}ffn_down_shexp.weight`, dims: [shared, E], block: b },
      );
    }
  }
  shapes.push({ name: "output_norm.weight", dims: [E] }, { name: "output.weight", dims: [E, a.vocab] });
  return shapes;
}

/**
 * llama.cpp's fallback when a row is not a whole number of 256-value blocks (e.g. MLA's 128-wide
 * attn_k_b): the nearest 32-block type.
 */
function fitRowLength(type: GgmlTypeName, rowLength: number): GgmlTypeName {
  if (rowLength % GGML_TYPES[type].blockSize === 0) return type;
  const fallback: Partial<Record<GgmlTypeName, GgmlTypeName>> = { Q4_K: "Q5_0", Q5_K: "Q5_1", Q6_K: "Q8_0" };
  return fallback[type] ?? "IQ4_NL";
}

/** Every tensor the model's GGUF file holds, with the type the quantization recipe gives it. */
export function planTensors(architecture: Architecture, recipe: QuantRecipeName): PlannedTensor[] {
  const shapes = architecture.type === "dense" ? denseShapes(architecture) : mlaMoeShapes(architecture);
  return shapes.map(({ name, dims, block }) => {
    const keepF32 = dims.length === 1 || name.endsWith("ffn_gate_inp.weight");
    const type = fitRowLength(tensorTypeFor(recipe, { name, block, blocks: architecture.blocks, keepF32 }), dims[0]!);
    return { name, dims, typeId: GGML_TYPES[type].id };
  });
}

import type { Architecture, DenseArchitecture, MlaMoeArchitecture, QuantRecipeName } from "../catalog/catalog-schema.js";
import { GGML_TYPES, type GgmlTypeName } from "./ggml-types.js";
import { tensorTypeFor } from "./quant-recipes.js";

/** One tensor as a GGUF header lists it: name, ggml dimension order (ne0 first), type id. */
export interface PlannedTensor {
  name: string;
  dims: number[];
  typeId: number;
  /** The block it belongs to; its `name` is then the part after "blk.N." (see planBlockTensors). */
  block?: number;
}

/** A tensor's shape; inside a block `name` is the part after "blk.N." (what the recipes look at). */
type Shape = { name: string; dims: number[] };

/** The model's tensors: those before the blocks, the blocks' (one template per kind of block), those after. */
interface Layout {
  head: Shape[];
  blockTemplate: (block: number) => readonly Shape[];
  tail: Shape[];
}

function denseLayout(a: DenseArchitecture): Layout {
  const E = a.embedding;
  const q = a.heads * a.headDim;
  const kv = a.kvHeads * a.headDim;
  const template: Shape[] = [
    { name: "attn_norm.weight", dims: [E] },
    { name: "attn_q.weight", dims: [E, q] },
    { name: "attn_k.weight", dims: [E, kv] },
    { name: "attn_v.weight", dims: [E, kv] },
    { name: "attn_output.weight", dims: [q, E] },
  ];
  if (a.arch === "qwen2") template.push({ name: "attn_q.bias", dims: [q] }, { name: "attn_k.bias", dims: [kv] }, { name: "attn_v.bias", dims: [kv] });
  if (a.arch === "qwen3") template.push({ name: "attn_q_norm.weight", dims: [a.headDim] }, { name: "attn_k_norm.weight", dims: [a.headDim] });
  template.push(
    { name: "ffn_norm.weight", dims: [E] },
    { name: "ffn_gate.weight", dims: [E, a.ffn] },
    { name: "ffn_up.weight", dims: [E, a.ffn] },
    { name: "ffn_down.weight", dims: [a.ffn, E] },
  );
  const tail: Shape[] = [{ name: "output_norm.weight", dims: [E] }];
  if (!a.tiedEmbeddings) tail.push({ name: "output.weight", dims: [E, a.vocab] });
  return { head: [{ name: "token_embd.weight", dims: [E, a.vocab] }], blockTemplate: () => template, tail };
}

function mlaMoeLayout(a: MlaMoeArchitecture): Layout {
  const E = a.embedding;
  const H = a.heads;
  const attention: Shape[] = [
    { name: "attn_norm.weight", dims: [E] },
    { name: "attn_q_a.weight", dims: [E, a.qLoraRank] },
    { name: "attn_q_a_norm.weight", dims: [a.qLoraRank] },
    { name: "attn_q_b.weight", dims: [a.qLoraRank, H * (a.qkNopeHeadDim + a.qkRopeHeadDim)] },
    { name: "attn_kv_a_mqa.weight", dims: [E, a.kvLoraRank + a.qkRopeHeadDim] },
    { name: "attn_kv_a_norm.weight", dims: [a.kvLoraRank] },
    ...(a.attentionCache === "per-head"
      ? // One up-projection from the latent to every head's key and value (the January R1 files).
        [{ name: "attn_kv_b.weight", dims: [a.kvLoraRank, H * (a.qkNopeHeadDim + a.vHeadDim)] }]
      : // Split per head as current conversions write it (llama.cpp's MLA layout, `key_length_mla`).
        [
          { name: "attn_k_b.weight", dims: [a.qkNopeHeadDim, a.kvLoraRank, H] },
          { name: "attn_v_b.weight", dims: [a.kvLoraRank, a.vHeadDim, H] },
        ]),
    { name: "attn_output.weight", dims: [H * a.vHeadDim, E] },
    { name: "ffn_norm.weight", dims: [E] },
  ];
  const dense: Shape[] = [
    ...attention,
    { name: "ffn_gate.weight", dims: [E, a.denseFfn] },
    { name: "ffn_up.weight", dims: [E, a.denseFfn] },
    { name: "ffn_down.weight", dims: [a.denseFfn, E] },
  ];
  const shared = a.expertFfn * a.sharedExperts;
  const moe: Shape[] = [
    ...attention,
    { name: "ffn_gate_inp.weight", dims: [E, a.experts] },
    { name: "exp_probs_b.bias", dims: [a.experts] },
    { name: "ffn_gate_exps.weight", dims: [E, a.expertFfn, a.experts] },
    { name: "ffn_up_exps.weight", dims: [E, a.expertFfn, a.experts] },
    { name: "ffn_down_exps.weight", dims: [a.expertFfn, E, a.experts] },
    ...(a.sharedExperts > 0
      ? [
          { name: "ffn_gate_shexp.weight", dims: [E, shared] },
          { name: "ffn_up_shexp.weight", dims: [E, shared] },
          { name: "ffn_down_shexp.weight", dims: [shared, E] },
        ]
      : []),
  ];
  return {
    head: [{ name: "token_embd.weight", dims: [E, a.vocab] }],
    blockTemplate: (block) => (block < a.denseBlocks ? dense : moe),
    tail: [
      { name: "output_norm.weight", dims: [E] },
      { name: "output.weight", dims: [E, a.vocab] },
    ],
  };
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

/**
 * Every tensor the model's GGUF file holds, with the type the quantization recipe gives it. A
 * block's tensors carry their block and the name after "blk.N." (all the recipes and the weighing
 * look at); `planTensors` writes the full names a header lists. Building tens of thousands of names
 * only to take them apart again cost the picker's first look about a third of its time (28 against 18 ms).
 */
export function planBlockTensors(architecture: Architecture, recipe: QuantRecipeName): PlannedTensor[] {
  const layout = architecture.type === "dense" ? denseLayout(architecture) : mlaMoeLayout(architecture);
  const blocks = architecture.blocks;
  const typed = ({ name, dims }: Shape, block?: number): PlannedTensor => {
    const keepF32 = dims.length === 1 || name.endsWith("ffn_gate_inp.weight");
    const type = fitRowLength(tensorTypeFor(recipe, { name, block, blocks, keepF32 }), dims[0]!);
    return block === undefined ? { name, dims, typeId: GGML_TYPES[type].id } : { name, dims, typeId: GGML_TYPES[type].id, block };
  };
  const tensors = layout.head.map((shape) => typed(shape));
  for (let block = 0; block < blocks; block++) for (const shape of layout.blockTemplate(block)) tensors.push(typed(shape, block));
  for (const shape of layout.tail) tensors.push(typed(shape));
  return tensors;
}

/** Every tensor the model's GGUF file holds, named as its header lists it, with the type the recipe gives it. */
export function planTensors(architecture: Architecture, recipe: QuantRecipeName): PlannedTensor[] {
  return planBlockTensors(architecture, recipe).map(({ name, dims, typeId, block }) =>
    block === undefined ? { name, dims, typeId } : { name: `blk.${block}.${name}`, dims, typeId },
  );
}

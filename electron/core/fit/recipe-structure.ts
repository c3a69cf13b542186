import type { Architecture, QuantRecipeName } from "../catalog/catalog-schema.js";
import { weighTensors, type ModelShape, type ModelStructure } from "./model-structure.js";
import { planBlockTensors } from "./tensor-plan.js";

/**
 * The attention shape as llama.cpp sees a file of this architecture: the numbers its header would
 * state (key_length, head_count_kv, …), so a model known only from the catalog is estimated exactly
 * as its downloaded file will be (test/unit/fit-recipe-structure.test.ts holds the two together).
 */
function attentionShape(a: Architecture): Pick<ModelShape, "kvHeads" | "keyLength" | "valueLength" | "mla"> {
  if (a.type === "dense") return { kvHeads: a.kvHeads, keyLength: a.headDim, valueLength: a.headDim, mla: false };
  // The older layout (January R1, R1-Zero): every head's key and value are cached.
  if (a.attentionCache === "per-head") return { kvHeads: a.heads, keyLength: a.qkNopeHeadDim + a.qkRopeHeadDim, valueLength: a.vHeadDim, mla: false };
  // MLA as llama.cpp runs it: one "KV head" holding the latent and the RoPE key (576 wide).
  return { kvHeads: 1, keyLength: a.kvLoraRank + a.qkRopeHeadDim, valueLength: a.kvLoraRank, mla: true };
}

function shapeOf(a: Architecture): ModelShape {
  const common = {
    arch: a.arch,
    blocks: a.blocks,
    embedding: a.embedding,
    heads: a.heads,
    vocab: a.vocab,
    contextLength: a.contextLength,
    ...attentionShape(a),
  };
  if (a.type === "dense") return { ...common, ffn: a.ffn, expertFfn: 0, experts: 0, activeExperts: 0 };
  return { ...common, ffn: a.denseFfn, expertFfn: a.expertFfn, experts: a.experts, activeExperts: a.activeExperts };
}

/** A catalog variant's structure, from its architecture and the tensors its quantization recipe gives. */
export function structureFromRecipe(architecture: Architecture, recipe: QuantRecipeName): ModelStructure {
  return weighTensors(shapeOf(architecture), planBlockTensors(architecture, recipe));
}

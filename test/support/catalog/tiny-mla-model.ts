import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { MlaMoeArchitecture } from "../../../electron/core/catalog/catalog-schema.js";
import { gguf, type GgufMetadata } from "../gguf/header-writer.js";
import { writeGgufFile, type GgufTensor } from "../gguf/tensor-writer.js";
import { R1_DISTILL_QWEN_TEMPLATE } from "../../fixtures/chat-templates.js";
import { modelMetadata } from "../../fixtures/model-metadata.js";
import { buildVocabulary } from "../../fixtures/vocabulary.js";
import { recipeHeader } from "./recipe-header.js";
import { readGgufFileInfo } from "node-llama-cpp";

/**
 * A tiny DeepSeek-V3-shaped model (deepseek2 architecture: MLA attention, one dense block then a
 * mixture of experts), in F16, to check the estimator's MLA cache against what llama.cpp allocates.
 * Its tensors and metadata are those a catalog recipe header states for the 671B, at toy size.
 */
export const TINY_MLA: MlaMoeArchitecture = {
  type: "mla-moe",
  arch: "deepseek2",
  blocks: 3,
  embedding: 128,
  heads: 4,
  qLoraRank: 64,
  kvLoraRank: 64,
  qkRopeHeadDim: 32,
  qkNopeHeadDim: 32,
  vHeadDim: 32,
  denseBlocks: 1,
  denseFfn: 256,
  expertFfn: 64,
  experts: 8,
  sharedExperts: 1,
  activeExperts: 2,
  vocab: 271,
  contextLength: 4096,
  attentionCache: "compressed",
};

/** The same shape in the older layout of the January R1 files (attn_kv_b, every head's K and V cached). */
export const TINY_PER_HEAD: MlaMoeArchitecture = { ...TINY_MLA, attentionCache: "per-head" };

export async function writeTinyMlaModel(dir: string, shape: MlaMoeArchitecture = TINY_MLA): Promise<string> {
  await mkdir(dir, { recursive: true });
  const vocabulary = buildVocabulary([]);
  if (vocabulary.tokens.length !== shape.vocab) throw new Error(`vocabulary has ${vocabulary.tokens.length} tokens`);
  // The tokenizer keys of the generated fixtures, and the architecture keys a catalog recipe header states.
  const tokenizer = Object.fromEntries(
    Object.entries(
      modelMetadata({
        name: "tiny-mla",
        shape: { architecture: "qwen2", embeddingLength: 64, blockCount: 1, headCount: 1, headCountKv: 1, feedForwardLength: 64, contextLength: 4096 },
        vocabulary,
        pre: "deepseek-r1-qwen",
        chatTemplate: R1_DISTILL_QWEN_TEMPLATE,
        fileType: 0,
      }),
    ).filter(([key]) => key.startsWith("tokenizer.")),
  );
  const header = await readGgufFileInfo(await writeHeader(dir, shape), { logWarnings: false });
  const archKeys: GgufMetadata = {
    "general.architecture": gguf.string("deepseek2"),
    "general.name": gguf.string("tiny-mla"),
    "general.file_type": gguf.u32(0),
    "general.alignment": gguf.u32(32),
  };
  const md = header.architectureMetadata as Record<string, unknown>;
  const flat: Record<string, GgufMetadata[string]> = {};
  const walk = (prefix: string, value: unknown) => {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(`${prefix}.${k}`, v);
    } else if (typeof value === "number") {
      flat[prefix] = Number.isInteger(value) && !prefix.endsWith("epsilon") ? gguf.u32(value) : gguf.f32(value);
    } else if (typeof value === "boolean") {
      flat[prefix] = gguf.bool(value);
    }
  };
  walk("deepseek2", md);
  delete flat["deepseek2.vocab_size"];
  flat["deepseek2.expert_weights_scale"] = gguf.f32(2.5);
  flat["deepseek2.expert_gating_func"] = gguf.u32(2);
  flat["deepseek2.rope.freq_base"] = gguf.f32(10000);

  let seed = 1;
  const tensors: GgufTensor[] = (header.tensorInfo ?? []).map((t) => {
    const dims = t.dimensions.map(Number);
    const n = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    if (t.name.endsWith("norm.weight")) data.fill(1);
    else for (let i = 0; i < n; i++) data[i] = ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 0.1;
    return { name: t.name, dims, type: t.ggmlType === 1 ? "F16" : "F32", data };
  });
  const file = path.join(dir, `tiny-mla.${shape.attentionCache}.gguf`);
  await writeGgufFile(file, { metadata: { ...archKeys, ...flat, ...tokenizer }, tensors });
  return file;
}

/** The header a catalog entry of this shape describes (F16 recipe). */
async function writeHeader(dir: string, shape: MlaMoeArchitecture): Promise<string> {
  const { writeFile } = await import("node:fs/promises");
  const file = path.join(dir, `tiny-mla.${shape.attentionCache}.header.gguf`);
  await writeFile(file, recipeHeader(shape, "tiny-mla", "F16"));
  return file;
}

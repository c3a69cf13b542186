import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readGgufHeader } from "../../electron/core/gguf/reader.js";
import { profileFromCustom } from "../../electron/core/hardware/presets.js";
import { catalogAndFit, fitOne, GiB, preset } from "../support/catalog/fit-helpers.js";
import { writeRecipeHeader } from "../support/catalog/recipe-header.js";

const { catalog, fit } = catalogAndFit();
const headerDir = mkdtempSync(path.join(os.tmpdir(), "r1-fit-671b-"));
afterAll(() => rmSync(headerDir, { recursive: true, force: true }));

const MiB = 1024 ** 2;
/** 1 × H100 80 GB + 192 GB RAM, typed into the planner (in GiB, as memory is sold). */
const h100Workstation = profileFromCustom({
  ramGB: 192,
  gpus: [{ vramGB: 80, name: "NVIDIA H100 80GB HBM3" }],
  unifiedMemory: false,
});

async function headerOf(modelId: string, quant: string) {
  const model = catalog.models.find((m) => m.id === modelId)!;
  // The header a real file of this recipe carries (the estimate itself is built from the recipe).
  const file = await writeRecipeHeader(headerDir, model.architecture, model.id, model.variants.find((v) => v.quant === quant)!.quant);
  const { metadata, tensors } = await readGgufHeader(file);
  return { key: (name: string) => metadata.get(`deepseek2.${name}`)?.value, tensors: tensors.map((t) => t.name) };
}

describe("the 671B files as they really are", () => {
  it("January R1 headers carry the older per-head cache (128 KV heads, K 192, V 128, no MLA keys); R1-0528's the compressed one", async () => {
    const january = await headerOf("deepseek-r1", "UD-IQ1_S");
    expect([january.key("attention.head_count_kv"), january.key("attention.key_length"), january.key("attention.value_length")]).toEqual([128, 192, 128]);
    expect(january.key("attention.key_length_mla")).toBeUndefined();
    expect(january.tensors).toContain("blk.0.attn_kv_b.weight");
    const may = await headerOf("deepseek-r1-0528", "UD-IQ1_S");
    expect([may.key("attention.head_count_kv"), may.key("attention.key_length"), may.key("attention.key_length_mla")]).toEqual([1, 576, 192]);
    expect(may.tensors).toContain("blk.0.attn_k_b.weight");
    const zero = await headerOf("deepseek-r1-zero", "Q4_K_M");
    expect(zero.key("attention.key_length_mla")).toBeUndefined();
  });

  it("January R1 UD-IQ1_S at 8K on an 80 GB GPU + 192 GB RAM: a KV cache over 30 GiB at F16 and about 27 GPU layers", async () => {
    const f = await fitOne(fit, catalog, "deepseek-r1.ud-iq1_s", 8192, h100Workstation);
    expect(f.memory.kvCacheBytes).toBeGreaterThanOrEqual(30 * GiB);
    // 61 blocks × 128 heads × (192 + 128) × 2 bytes: about 4.77 MiB per token.
    expect(f.memory.kvCacheBytes / 8192 / MiB).toBeCloseTo(4.77, 2);
    expect(f.verdict).toBe("gpu-partial");
    expect(f.plan.gpuLayers).toBeGreaterThanOrEqual(26);
    expect(f.plan.gpuLayers).toBeLessThanOrEqual(28);
    // A published run fitted 29 layers with a q4_0 K cache (V stays F16: no flash attention for 192/128 heads).
    const [q4] = await fit.evaluate(catalog.models, 8192, h100Workstation, ["deepseek-r1.ud-iq1_s"], "q4_0");
    expect(q4!.kvCache).toEqual({ keyType: "q4_0", valueType: "f16", flashAttention: false });
    expect(q4!.plan.gpuLayers).toBeGreaterThanOrEqual(28);
    expect(q4!.plan.gpuLayers).toBeLessThanOrEqual(31);
  });

  it("R1-0528 UD-IQ1_S (185 GB, 4 parts) does not run fully on the GPU of a 192 GB Mac", async () => {
    const f = await fitOne(fit, catalog, "deepseek-r1-0528.ud-iq1_s", 8192, preset("apple-192gb"));
    expect(f.verdict).not.toBe("gpu-full");
    expect(f.memory.weightsBytes).toBeGreaterThan(180e9);
    expect(f.memory.kvCacheBytes).toBeLessThan(GiB);
    expect(f.downloadBytes).toBe(185e9);
  });

  it("R1-Zero fits exactly as R1 does", async () => {
    const machine = preset("dc-8x141gb");
    const results = await fit.evaluate(catalog.models, 32_768, machine, ["deepseek-r1.q4_k_m", "deepseek-r1-zero.q4_k_m"]);
    const [r1, zero] = ["deepseek-r1.q4_k_m", "deepseek-r1-zero.q4_k_m"].map((id) => results.find((r) => r.variantId === id));
    expect(zero!.memory).toEqual(r1!.memory);
    expect(zero!.verdict).toBe(r1!.verdict);
    expect(zero!.room).toEqual(r1!.room);
  });
});

import { describe, expect, it } from "vitest";
import { chooseContext } from "../../electron/core/fit/context-choice.js";
import { catalogAndFit, fitOne, GiB, preset } from "../support/catalog/fit-helpers.js";

const { catalog, fit } = catalogAndFit();

const structureOf = async (variantId: string) => {
  const model = catalog.models.find((m) => m.variants.some((v) => v.id === variantId))!;
  return (
    await fit.structureOf(
      model,
      model.variants.find((v) => v.id === variantId)!,
    )
  ).structure;
};

describe("the KV cache type in the estimate", () => {
  it("q8_0 and q4_0 shrink a dense model's cache to 17/32 and 9/32 of F16, with flash attention", async () => {
    const at = (kvCacheType: "f16" | "q8_0" | "q4_0") => fit.evaluate(catalog.models, 32_768, preset("gpu-24gb"), ["r1-distill-qwen-14b.q4_k_m"], kvCacheType);
    const [[f16], [q8], [q4]] = await Promise.all([at("f16"), at("q8_0"), at("q4_0")]);
    // 48 layers × 8 KV heads × (128 + 128) values × 32,768 tokens.
    expect(f16!.memory.kvCacheBytes).toBe(48 * 8 * 256 * 2 * 32_768);
    expect(q8!.memory.kvCacheBytes).toBe((f16!.memory.kvCacheBytes * 17) / 32);
    expect(q4!.memory.kvCacheBytes).toBe((f16!.memory.kvCacheBytes * 9) / 32);
    expect(q8!.kvCache).toEqual({ keyType: "q8_0", valueType: "q8_0", flashAttention: true });
  });
});

describe("room to reason", () => {
  it("a 24 GB GPU gets at least a 32K context for the Qwen-14B Q4_K_M with a q8_0 cache, all on the GPU", async () => {
    const f = await fitOne(fit, catalog, "r1-distill-qwen-14b.q4_k_m", "auto", preset("gpu-24gb"));
    expect(f.room.contextSize).toBeGreaterThanOrEqual(32_768);
    expect(f.contextSize).toBe(f.room.contextSize);
    expect(f.room.kvCacheType).toBe("q8_0");
    expect(f.room.verdict).toBe("gpu-full");
    const [at32k] = await fit.evaluate(catalog.models, 32_768, preset("gpu-24gb"), ["r1-distill-qwen-14b.q4_k_m"], "q8_0");
    expect(at32k!.verdict).toBe("gpu-full");
    expect(at32k!.plan.devices[0]!.totalBytes).toBeLessThan(24 * GiB);
  });

  it("without a GPU keeps the F16 cache where it fits (quantized caches slow CPU prompt evaluation), quantized only for the larger step", async () => {
    const input = (gb: "laptop-16gb" | "laptop-8gb") => ({ machine: preset(gb), downloadBytes: 0, downloaded: true });
    const small = chooseContext(await structureOf("r1-distill-qwen-1.5b.q4_k_m"), input("laptop-16gb"));
    expect(small.contextSize).toBe(65_536);
    expect(small.kvCacheType).toBe("f16");
    const big = await structureOf("r1-distill-qwen-14b.q4_k_m");
    const f16Only = chooseContext(big, input("laptop-16gb"), { kvCacheType: "f16" });
    const auto = chooseContext(big, input("laptop-16gb"));
    expect(auto.contextSize).toBeGreaterThanOrEqual(f16Only.contextSize);
    if (auto.contextSize > f16Only.contextSize) expect(auto.kvCacheType).not.toBe("f16");
    else expect(auto.kvCacheType).toBe("f16");
  });

  it("takes q4_0 only where q8_0 would need a smaller context: the Qwen-32B on 24 GB", async () => {
    const s = await structureOf("r1-distill-qwen-32b.q4_k_m");
    const input = { machine: preset("gpu-24gb"), downloadBytes: 0, downloaded: true };
    const auto = chooseContext(s, input);
    const q8Only = chooseContext(s, input, { kvCacheType: "q8_0" });
    expect(q8Only.contextSize).toBeLessThan(auto.contextSize);
    expect(auto.kvCacheType).toBe("q4_0");
    expect(auto.plan.verdict).toBe("gpu-full");
  });

  it("never goes past the trained context, and keeps the placement 8K gets", async () => {
    const s = await structureOf("r1-distill-qwen-7b.q4_k_m");
    const short = chooseContext({ ...s, contextLength: 16_384 }, { machine: preset("gpu-8gb"), downloadBytes: 0, downloaded: true });
    expect(short.contextSize).toBe(16_384);
    // A 14B on an 8 GB GPU runs split at 8K; a larger context may not cost more than a tenth of its speed.
    const s14 = await structureOf("r1-distill-qwen-14b.q4_k_m");
    const input = { machine: preset("gpu-8gb"), downloadBytes: 0, downloaded: true };
    const chosen = chooseContext(s14, input);
    const at8k = chooseContext(s14, input, { steps: [8192] });
    expect(chosen.plan.verdict).toBe("gpu-partial");
    expect(chosen.plan.speed.tokensPerSecond).toBeGreaterThanOrEqual(0.9 * at8k.plan.speed.tokensPerSecond);
    expect(chosen.contextSize).toBeGreaterThanOrEqual(8192);
  });

  it("returns the smallest context with its reason when nothing runs", async () => {
    const f = await fitOne(fit, catalog, "deepseek-r1.q4_k_m", 8192, preset("laptop-8gb"));
    expect(f.room.contextSize).toBe(8192);
    expect(f.room.verdict).toBe("wont-fit");
  });
});

describe("parallel requests in the estimate", () => {
  it("counts every sequence's KV cache: 4 sequences at 8K hold four caches of 8K", async () => {
    const at = (sequences: number) => fit.evaluate(catalog.models, 8_192, preset("gpu-24gb"), ["r1-distill-qwen-14b.q4_k_m"], "q8_0", sequences);
    const [[one], [four]] = await Promise.all([at(1), at(4)]);
    expect(four!.memory.kvCacheBytes).toBe(4 * one!.memory.kvCacheBytes);
    expect(four!.memory.totalBytes - one!.memory.totalBytes).toBe(3 * one!.memory.kvCacheBytes);
  });

  it('"auto" keeps room to reason first and adds sequences up to 4 only where they keep the placement', async () => {
    const input = { machine: preset("gpu-24gb"), downloadBytes: 0, downloaded: true };
    const small = chooseContext(await structureOf("r1-distill-qwen-1.5b.q4_k_m"), input, { sequences: "auto" });
    expect(small.sequences).toBe(4);
    expect(small.plan.memory.kvCacheBytes).toBe(4 * chooseContext(await structureOf("r1-distill-qwen-1.5b.q4_k_m"), input).plan.memory.kvCacheBytes);
    const tight = await structureOf("r1-distill-qwen-32b.q4_k_m");
    const single = chooseContext(tight, input);
    const auto = chooseContext(tight, input, { sequences: "auto" });
    expect(auto.contextSize).toBe(single.contextSize);
    expect(auto.sequences).toBeLessThan(4);
    expect(auto.plan.verdict).toBe(single.plan.verdict);
  });
});

import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createFitModule } from "../../electron/core/fit/module.js";
import { speedWords } from "../../electron/core/fit/plan.js";
import { serverRecipes } from "../../electron/core/remote/server-plans.js";
import { profileFromCustom } from "../../electron/core/hardware/presets.js";
import type { HardwareInfo, VariantFit } from "../../electron/shared/contract/catalog.js";
import { formatBytes, formatSpeed } from "../../electron/shared/format.js";
import { moduleContext } from "../support/core/module-context.js";
import { catalogAndFit, fitOne, GiB } from "../support/catalog/fit-helpers.js";

const { catalog, fit } = catalogAndFit();
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe("one unit for sizes", () => {
  it("labels binary sizes as binary: GiB, MiB, KiB", () => {
    expect(formatBytes(32 * GiB)).toBe("32.0 GiB");
    expect(formatBytes(1.5 * 1024 ** 2)).toBe("1.5 MiB");
    expect(formatBytes(2048)).toBe("2.0 KiB");
    expect(formatBytes(512)).toBe("512 B");
  });

  it("32 typed into the planner as RAM is shown as 32.0 GiB, and a typed GPU's VRAM likewise", () => {
    const machine = profileFromCustom({ ramGB: 32, gpus: [{ vramGB: 12 }], unifiedMemory: false });
    expect(formatBytes(machine.ramBytes)).toBe("32.0 GiB");
    expect(formatBytes(machine.gpus[0]!.vramTotalBytes)).toBe("12.0 GiB");
  });

  it("the same FP8 weights have one size in the server plan's text and in its figures", async () => {
    const recipes = serverRecipes({
      id: "deepseek-r1",
      name: "DeepSeek-R1",
      totalParams: 671e9,
      fp8Repo: "deepseek-ai/DeepSeek-R1",
      quants: [],
      onDeepSeekApi: true,
      ggufKvBytesPerToken: 0,
    });
    const fp8 = recipes.find((r) => r.precision === "FP8")!;
    // ServerPlan.svelte shows formatBytes(weightsBytes); the note must say the same figure.
    const shown = formatBytes(fp8.weightsBytes);
    expect(shown).toMatch(/ GiB$/);
    expect(fp8.note).toContain(`${shown} of FP8 weights`);
  });
});

describe("speed in words", () => {
  it("calls a speed slow only when it is slow, and writes the figure as the picker does", () => {
    expect(speedWords(2.74)).toBe("slow at about 2.7 tokens/s");
    expect(speedWords(921.3)).toBe("about 921 tokens/s");
    expect(formatSpeed(921.3)).toBe("921");
  });

  it("a small model on a fast CPU-only machine is not called slow", async () => {
    const machine = profileFromCustom({ ramGB: 64, gpus: [], unifiedMemory: false, ramBandwidthGBs: 800 });
    const f = await fitOne(fit, catalog, "r1-distill-qwen-1.5b.q4_k_m", 8192, machine);
    expect(f.verdict).toBe("cpu-only");
    expect(f.speed.tokensPerSecond).toBeGreaterThan(100);
    expect(f.reason).not.toMatch(/slow/i);
    expect(f.reason).toContain(`about ${formatSpeed(f.speed.tokensPerSecond)} tokens/s`);
  });
});

describe("the context and cache a row shows are the ones a load uses", () => {
  const laptop = profileFromCustom({ ramGB: 16, gpus: [], unifiedMemory: false });

  it("at a chosen size, the room to reason is at that size (the slider's), not a larger one", async () => {
    const [f] = await fit.evaluate(catalog.models, 4096, laptop, ["r1-distill-qwen-7b.q4_k_m"], "auto");
    expect(f!.contextSize).toBe(4096);
    expect(f!.room.contextSize).toBe(4096);
  });

  it('at "auto", the plan is the room: the same context, cache type and verdict', async () => {
    const results: VariantFit[] = await fit.evaluate(catalog.models, "auto", laptop, undefined, "auto");
    for (const f of results) {
      expect(f.contextSize, f.variantId).toBe(f.room.contextSize);
      expect(f.verdict, f.variantId).toBe(f.room.verdict);
      expect(f.kvCache.keyType, f.variantId).toBe(f.room.kvCacheType);
    }
    // Without a GPU, "auto" keeps F16 where it fits: the rows say f16, and the plan weighs f16.
    expect(results.find((f) => f.variantId === "r1-distill-qwen-1.5b.q4_k_m")!.kvCache.keyType).toBe("f16");
  });
});

describe("a measured speed", () => {
  it("is announced as it is recorded, and the next evaluation shows it as measured", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "r1-measured-"));
    dirs.push(dir);
    const { ctx, events } = moduleContext(dir);
    const hardware: HardwareInfo = {
      cpu: { model: "Test CPU", cores: 8, simd: [] },
      ramTotalBytes: 32 * GiB,
      ramFreeBytes: 24 * GiB,
      swapTotalBytes: 0,
      swapFreeBytes: 0,
      gpus: [],
      unifiedMemory: false,
      backend: "cpu",
      modelsDir: dir,
      diskFreeBytes: 500 * GiB,
      ramBandwidthGBs: 40,
      probeMs: 1,
    };
    const module = createFitModule(ctx, {
      catalog: { models: () => catalog.models, variant: () => undefined, onChange: () => () => {} },
      hardware: { probe: async () => hardware },
      library: { list: async () => [], onChange: () => () => {} },
    });
    const id = "r1-distill-qwen-1.5b.q4_k_m";
    await module.service!.recordMeasuredSpeed(id, 27.34);
    expect(events).toContainEqual({ name: "fit.measured", payload: { variantId: id, tokensPerSecond: 27.3 } });
    const evaluate = module.handlers["fit.evaluate"]!;
    const { results } = (await evaluate({ contextSize: "auto", machine: "this", variantIds: [id], kvCacheType: "auto" })) as { results: VariantFit[] };
    expect(results[0]!.speed).toMatchObject({ tokensPerSecond: 27.3, basis: "measured" });
  });
});

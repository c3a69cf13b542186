import { describe, expect, it } from "vitest";
import { profileFromCustom } from "../../electron/core/hardware/presets.js";
import { catalogAndFit, fitOne, gbFigure, GiB, preset } from "../support/catalog/fit-helpers.js";

const { catalog, fit } = catalogAndFit();

type Case = {
  variant: string;
  context: number;
  machine: string | Parameters<typeof profileFromCustom>[0];
  verdict: string;
  /** Checks on the plan and the numbers the reason states. */
  check?: (f: Awaited<ReturnType<typeof fitOne>>) => void;
};

const numbersIn = (text: string) => [...text.matchAll(/(\d+(?:\.\d+)?) GiB/g)].map((m) => Number(m[1]));

const CASES: Case[] = [
  {
    variant: "r1-distill-qwen-1.5b.q4_k_m",
    context: 4096,
    machine: "laptop-8gb",
    verdict: "cpu-only",
    check: (f) => {
      expect(f.plan.gpuLayers).toBe(0);
      expect(f.reason).toMatch(/^CPU only: 1\.[0-9] GiB of 6\.5 GiB RAM/);
    },
  },
  {
    variant: "r1-distill-qwen-7b.q4_k_m",
    context: 4096,
    machine: "gpu-8gb",
    verdict: "gpu-full",
    check: (f) => {
      expect(f.plan.gpuLayers).toBe(29);
      expect(f.plan.kvCacheOn).toBe("gpu");
      // 28 layers × 4 KV heads × (128 + 128) × 2 bytes × 4096 tokens, exactly.
      expect(f.memory.kvCacheBytes).toBe(28 * 4 * 256 * 2 * 4096);
      expect(numbersIn(f.reason)).toEqual([Number(gbFigure(f.plan.devices[0]!.totalBytes)), 8]);
    },
  },
  {
    variant: "r1-distill-qwen-14b.q4_k_m",
    context: 8192,
    machine: "gpu-8gb",
    verdict: "gpu-partial",
    check: (f) => {
      const [, n, m] = /(\d+) of (\d+) layers/.exec(f.reason)!;
      expect(Number(m)).toBe(49);
      expect(Number(n)).toBe(f.plan.gpuLayers);
      expect(f.plan.gpuLayers).toBeGreaterThan(25);
      expect(f.plan.gpuLayers).toBeLessThan(45);
      expect(f.plan.kvCacheOn).toBe("split");
      expect(f.plan.devices[0]!.totalBytes).toBeLessThanOrEqual(8 * GiB);
    },
  },
  {
    variant: "r1-distill-qwen-7b.q6_k",
    context: 8192,
    machine: "laptop-8gb",
    verdict: "tight",
    check: (f) => expect(f.reason).toMatch(/needs 6\.\d GiB of RAM, 6\.5 GiB is free for models out of 8\.0 GiB/),
  },
  {
    variant: "r1-distill-llama-70b.q4_k_m",
    context: 8192,
    machine: "laptop-16gb",
    verdict: "wont-fit",
    check: (f) => {
      const [needs, has] = numbersIn(f.reason);
      expect(needs).toBe(Number(gbFigure(f.memory.totalBytes)));
      expect(needs).toBeGreaterThanOrEqual(42);
      expect(needs).toBeLessThanOrEqual(45);
      expect(has).toBe(16);
    },
  },
  {
    variant: "r1-distill-qwen-32b.q4_k_m",
    context: 8192,
    machine: "gpu-24gb",
    verdict: "gpu-full",
  },
  {
    variant: "r1-distill-qwen-32b.q4_k_m",
    context: 65536,
    machine: "gpu-24gb",
    verdict: "gpu-partial",
    // A long context no longer fits next to the weights: 16 GB of KV cache at 64k.
    check: (f) => expect(f.memory.kvCacheBytes).toBe(64 * 8 * 256 * 2 * 65536),
  },
  {
    variant: "r1-distill-qwen-14b.q4_k_m",
    context: 4096,
    machine: { ramGB: 64, diskFreeGB: 5 },
    verdict: "no-disk",
    check: (f) => {
      const [needs, free] = numbersIn(f.reason);
      expect(needs).toBe(Number(gbFigure(f.downloadBytes)));
      expect(free).toBe(5); // 5 typed is 5.0 GiB shown
    },
  },
  {
    // The January file caches every head's K and V: 38 GiB at 8K pushes layers off the GPU share.
    variant: "deepseek-r1.ud-iq1_s",
    context: 8192,
    machine: "apple-192gb",
    verdict: "gpu-partial",
    check: (f) => expect(f.memory.kvCacheBytes).toBeGreaterThan(38 * GiB),
  },
  {
    variant: "deepseek-r1.ud-iq1_s",
    context: 2048,
    machine: "workstation-2x24gb",
    verdict: "gpu-partial",
    check: (f) => expect(f.plan.devices[0]!.device).toBe("2 GPUs"),
  },
  {
    variant: "deepseek-r1.ud-iq1_s",
    context: 8192,
    machine: "workstation-2x24gb",
    verdict: "wont-fit",
  },
  {
    variant: "deepseek-r1.q4_k_m",
    context: 32768,
    machine: "dc-8x80gb",
    verdict: "gpu-full",
  },
  {
    variant: "deepseek-r1.q4_k_m",
    context: 8192,
    machine: "apple-192gb",
    verdict: "wont-fit",
    check: (f) => {
      const [needs, has] = numbersIn(f.reason);
      // 376.7 GiB of weights and 38.1 GiB of KV cache.
      expect(needs).toBeGreaterThan(410);
      expect(needs).toBeLessThan(430);
      expect(has).toBe(192);
    },
  },
  {
    // The anchors' "Not enough RAM" on a 512 GB machine: a 2-bit R1 runs there on the CPU.
    variant: "deepseek-r1.ud-q2_k_xl",
    context: 16384,
    machine: { ramGB: 512, label: "512 GB server" },
    verdict: "cpu-only",
  },
];

describe("fit verdicts", () => {
  it.each(CASES.map((c) => [`${c.variant} @ ${c.context} on ${typeof c.machine === "string" ? c.machine : (c.machine.label ?? "custom")}`, c] as const))(
    "%s",
    async (_name, c) => {
      const machine = typeof c.machine === "string" ? preset(c.machine) : profileFromCustom(c.machine);
      const f = await fitOne(fit, catalog, c.variant, c.context, machine);
      expect(f.verdict, f.reason).toBe(c.verdict);
      expect(f.reason.length).toBeGreaterThan(20);
      const total = f.memory.weightsBytes + f.memory.kvCacheBytes + f.memory.computeBytes;
      expect(f.memory.totalBytes).toBe(total);
      c.check?.(f);
    },
  );

  it("keeps R1-0528's MLA cache small: one 576-wide latent per token and layer", async () => {
    const f = await fitOne(fit, catalog, "deepseek-r1-0528.ud-iq1_s", 163840, preset("dc-8x141gb"));
    expect(f.memory.kvCacheBytes).toBe(61 * (512 + 64) * 2 * 163840); // 11.5 GB at the full context
    // The January files' older layout caches every head's K and V: 61 × 128 × (192 + 128) × 2 bytes per token, 71× more.
    const january = await fitOne(fit, catalog, "deepseek-r1.ud-iq1_s", 8192, preset("dc-8x141gb"));
    expect(january.memory.kvCacheBytes).toBe(61 * 128 * (192 + 128) * 2 * 8192);
    expect(january.memory.kvCacheBytes / 8192 / ((f.memory.kvCacheBytes / 163840) * 1)).toBeCloseTo(71.1, 1);
  });

  it("explains that MLA runs without flash attention when its attention scratch dominates", async () => {
    const f = await fitOne(fit, catalog, "deepseek-r1-0528.ud-iq1_s", 163840, preset("dc-8x141gb"));
    // 512 tokens × 163840 positions × 128 heads × 4 bytes of scores per GPU, on 8 GPUs.
    expect(f.memory.computeBytes).toBeGreaterThan(8 * 512 * 163840 * 128 * 4);
    expect(f.reason).toMatch(/\d+ GiB of that is attention scratch: this model runs without flash attention/);
    const short = await fitOne(fit, catalog, "deepseek-r1-0528.ud-iq1_s", 4096, preset("dc-8x141gb"));
    expect(short.reason).not.toMatch(/attention scratch/);
  });

  it("counts all experts for memory but only the active ones for the bytes a token reads", async () => {
    const m = preset("dc-8x141gb");
    const moe = await fitOne(fit, catalog, "deepseek-r1.q4_k_m", 8192, m);
    const dense70 = await fitOne(fit, catalog, "r1-distill-llama-70b.q4_k_m", 8192, m);
    expect(moe.memory.weightsBytes).toBeGreaterThan(8 * dense70.memory.weightsBytes);
    // 37B active at ~4.8 bits reads about half of what the dense 70B reads per token ...
    const readPerToken = (note: string) => Number(/about ([\d.]+) GiB of weights read per token/.exec(note)![1]);
    expect(readPerToken(moe.speed.note)).toBeLessThan(0.6 * readPerToken(dense70.speed.note));
    // ... but llama.cpp turns far less of the bandwidth into tokens for experts (speed-calibration.ts).
    expect(moe.speed.tokensPerSecond).toBeLessThan(dense70.speed.tokensPerSecond);
    expect(moe.speed.note).toMatch(/8 of 256 experts active/);
    expect(moe.speed.basis).toBe("estimate");
  });

  it("a longer context never needs less memory, and moves the verdict the right way", async () => {
    const m = preset("gpu-24gb");
    let previous = 0;
    for (const context of [2048, 8192, 32768, 131072]) {
      const f = await fitOne(fit, catalog, "r1-distill-qwen-32b.q4_k_m", context, m);
      expect(f.memory.totalBytes).toBeGreaterThan(previous);
      previous = f.memory.totalBytes;
    }
  });
});

import { describe, expect, it } from "vitest";
import { estimateMemory } from "../../electron/core/fit/estimate.js";
import { estimateSpeed } from "../../electron/core/fit/plan.js";
import { profileFromCustom } from "../../electron/core/hardware/presets.js";
import { catalogAndFit } from "../support/catalog/fit-helpers.js";

const { catalog, fit } = catalogAndFit();

/** An H100 80 GB typed into the planner (in GiB, as memory is sold): SXM, 3,350 GB/s. */
const h100 = { vramGB: 80, name: "NVIDIA H100 80GB HBM3" };
/** Lambda's single-GPU instance (gpu_1x_h100_pcie): the PCIe card, 2.0 TB/s, with 200 GiB of RAM. */
const h100Pcie = { vramGB: 80, name: "NVIDIA H100 PCIe" };

/** The published llama.cpp runs of the January R1 UD-IQ1_S the MoE efficiencies are calibrated on (speed-calibration.ts). */
const RUNS = [
  {
    name: "unsloth, 2 × H100, all layers on the GPUs",
    machine: profileFromCustom({ ramGB: 512, gpus: [h100, h100], unifiedMemory: false }),
    gpuLayers: 62,
    measured: 14,
  },
  {
    name: "Lambda, 1 × H100 PCIe + 200 GiB RAM, 29 layers on the GPU",
    machine: profileFromCustom({ ramGB: 200, gpus: [h100Pcie], unifiedMemory: false, ramBandwidthGBs: 300 }),
    gpuLayers: 29,
    measured: 4.36,
  },
];

describe("MoE speed, calibrated against published measurements", () => {
  for (const run of RUNS) {
    it(`${run.name}: ${run.measured} tok/s measured, the estimate within 5 %`, async () => {
      const model = catalog.models.find((m) => m.id === "deepseek-r1")!;
      const { structure } = await fit.structureOf(
        model,
        model.variants.find((v) => v.quant === "UD-IQ1_S")!,
      );
      const memory = estimateMemory(structure, { contextSize: 8192, gpuLayers: run.gpuLayers, kvCacheType: "q4_0", gpuCount: run.machine.gpus.length });
      const { tokensPerSecond } = estimateSpeed(structure, memory, run.machine);
      console.log(
        `${run.name}: estimate ${tokensPerSecond} tok/s, measured ${run.measured} (residual ${((tokensPerSecond / run.measured - 1) * 100).toFixed(1)} %)`,
      );
      expect(Math.abs(tokensPerSecond / run.measured - 1)).toBeLessThan(0.05);
    });
  }
});

/**
 * How much of the peak memory bandwidth llama.cpp turns into generated tokens: the speed estimate
 * divides the bytes a token reads on each device by bandwidth × efficiency.
 *
 * Dense models: ~65 % of the peak, the usual figure for llama.cpp's matrix-vector kernels.
 *
 * Mixtures of experts (DeepSeek-R1 671B) are far below that: eight small expert matrices per layer,
 * routing and the IQ1/IQ2 dequantisation waste most of the bandwidth. The two MoE efficiencies are
 * solved from the published llama.cpp measurements of UD-IQ1_S in issue 13 (test/unit/fit-speed-calibration.test.ts
 * recomputes both through the estimator):
 *
 * | run | where the 16.5 GB read per token lives | measured | estimate | residual |
 * | --- | --- | --- | --- | --- |
 * | unsloth, 2 × H100 80 GB (3,350 GB/s), all 62 layers on the GPUs | 16.5 GB on the GPUs | 14 tok/s | 14.0 | 0 % |
 * | Lambda, 1 × H100 PCIe 80 GB (2,000 GB/s) + 200 GiB RAM, 29 of 62 layers on the GPU | 7.8 GB on the GPU, 8.7 GB in RAM (300 GB/s assumed) | 4.36 tok/s | 4.4 | +0.9 % |
 *
 * Sources: unsloth's "Run DeepSeek-R1 Dynamic 1.58-bit" post (2 × H100 80 GB SXM, 14 tok/s) and
 * Lambda's "How to serve DeepSeek-R1 1.58-bit with llama.cpp" post, whose single-GPU instance is a
 * gpu_1x_h100_pcie (H100 PCIe: 2.0 TB/s per NVIDIA's H100 datasheet; 200 GiB RAM per Lambda's
 * instance table), not an SXM card.
 *
 * Two runs fix two numbers exactly, so these residuals say nothing about other machines: the fit is
 * for CUDA and a server CPU; no Apple or Vulkan figure was published with it, and the RAM bandwidth
 * of Lambda's instance (a slice of a DDR5 server) is an assumption. The old 0.45 for both was
 * 4–6 times optimistic on these runs (91 and 16.7 tok/s estimated).
 */
export const DENSE_EFFICIENCY = 0.65;
/** 14 tok/s × 16.5 GB / 3,350 GB/s. */
export const MOE_GPU_EFFICIENCY = 0.069;
/** (1 / 4.36 s − 7.8 GB / (2,000 GB/s × 0.069)) solved for the RAM side at 300 GB/s (the PCIe card's bandwidth, not the SXM's 3,350). */
export const MOE_CPU_EFFICIENCY = 0.168;

export interface Efficiency {
  gpu: number;
  cpu: number;
}

export function efficiencyFor(mixtureOfExperts: boolean): Efficiency {
  return mixtureOfExperts ? { gpu: MOE_GPU_EFFICIENCY, cpu: MOE_CPU_EFFICIENCY } : { gpu: DENSE_EFFICIENCY, cpu: DENSE_EFFICIENCY };
}

import type { DeviceMemory, MachineProfile, Verdict } from "../../shared/contract/catalog.js";
import { formatBytes, formatSpeed } from "../../shared/format.js";
import type { KvCacheLayout, KvCacheType } from "../../shared/kv-cache.js";
import { UNKNOWN_GPU_BANDWIDTH_GBS } from "../hardware/bandwidth.js";
import { deviceTotal, estimateMemory, type MemoryEstimate } from "./estimate.js";
import type { ModelStructure } from "./model-structure.js";
import { efficiencyFor } from "./speed-calibration.js";

/** llama.cpp keeps this much VRAM free per GPU (node-llama-cpp's default padding): 6 %, at most 1 GiB. */
const vramPadding = (total: number) => Math.min(total * 0.06, 1024 ** 3);

export interface FitPlan {
  verdict: Verdict;
  reason: string;
  gpuLayers: number;
  totalLayers: number;
  kvCacheOn: "gpu" | "cpu" | "split";
  devices: DeviceMemory[];
  memory: { weightsBytes: number; kvCacheBytes: number; computeBytes: number; totalBytes: number };
  speed: { tokensPerSecond: number; basis: "estimate" | "measured"; note: string };
  /** The KV cache as llama.cpp will lay it out (types and flash attention). */
  kvCache: KvCacheLayout;
}

export interface PlanInput {
  contextSize: number;
  /** F16 unless given. */
  kvCacheType?: KvCacheType;
  machine: MachineProfile;
  downloadBytes: number;
  /** Already on disk: the disk check is skipped. */
  downloaded: boolean;
  measuredTokensPerSecond?: number;
  /** Sequences, each with the whole context's KV cache (1 unless given). */
  sequences?: number;
}

function gpuBudget(machine: MachineProfile): number {
  const gpus = machine.gpus;
  if (gpus.length === 0) return 0;
  return gpus.reduce((sum, g) => sum + Math.max(0, g.vramFreeBytes - vramPadding(g.vramTotalBytes)), 0);
}

/** The most layers whose weights, KV cache and scratch fit the GPUs (memory grows with layers). */
function bestGpuLayers(
  s: ModelStructure,
  contextSize: number,
  kvCacheType: KvCacheType | undefined,
  budget: number,
  gpuCount: number,
  sequences: number | undefined,
): number {
  if (budget <= 0) return 0;
  let lo = 0;
  let hi = s.blocks + 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (deviceTotal(estimateMemory(s, { contextSize, kvCacheType, gpuLayers: mid, gpuCount, sequences }).gpu) <= budget) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Generation speed: each token reads every active weight once (only the routed experts in use for
 * a mixture of experts), at the bandwidth of the memory it lives in, at the share of the peak
 * llama.cpp reaches (speed-calibration.ts: 65 % for dense models, far less for experts).
 */
export function estimateSpeed(s: ModelStructure, m: MemoryEstimate, machine: MachineProfile): { tokensPerSecond: number; note: string } {
  const efficiency = efficiencyFor(s.experts > 0);
  const firstGpuBlock = s.blocks - m.gpuBlocks;
  let gpuBytes = m.outputOnGpu ? s.outputBytes : 0;
  let cpuBytes = m.outputOnGpu ? 0 : s.outputBytes;
  for (let i = 0; i < s.blocks; i++) {
    if (i >= firstGpuBlock) gpuBytes += s.blockActiveBytes[i] ?? 0;
    else cpuBytes += s.blockActiveBytes[i] ?? 0;
  }
  const gpuBandwidth =
    machine.gpus.length === 0 ? UNKNOWN_GPU_BANDWIDTH_GBS : Math.min(...machine.gpus.map((g) => g.bandwidthGBs ?? UNKNOWN_GPU_BANDWIDTH_GBS));
  const seconds = gpuBytes / (gpuBandwidth * 1e9 * efficiency.gpu) + cpuBytes / (machine.ramBandwidthGBs * 1e9 * efficiency.cpu);
  const tps = seconds > 0 ? 1 / seconds : 0;
  const perToken = gpuBytes + cpuBytes;
  const where =
    gpuBytes > 0 && cpuBytes > 0
      ? `${formatBytes(gpuBytes)} at ${gpuBandwidth} GB/s on the GPU and ${formatBytes(cpuBytes)} at ${machine.ramBandwidthGBs} GB/s from RAM`
      : gpuBytes > 0
        ? `at ${gpuBandwidth} GB/s on the GPU`
        : `at ${machine.ramBandwidthGBs} GB/s from RAM`;
  const moe = s.experts > 0 ? ` (${s.activeExperts} of ${s.experts} experts active)` : "";
  return {
    tokensPerSecond: Math.round(tps * 10) / 10,
    note: `Estimate: about ${formatBytes(perToken)} of weights read per token${moe}, ${where}.`,
  };
}

/** Below this a reasoning model is slow to wait for (a long thought takes minutes); above it, the word would be wrong. */
export const SLOW_TOKENS_PER_SECOND = 10;

/** "about 27 tokens/s", or "slow at about 2.7 tokens/s": the word follows the figure, never the verdict alone. */
export function speedWords(tokensPerSecond: number): string {
  const about = `about ${formatSpeed(tokensPerSecond)} tokens/s`;
  return tokensPerSecond < SLOW_TOKENS_PER_SECOND ? `slow at ${about}` : about;
}

export function planFit(s: ModelStructure, input: PlanInput): FitPlan {
  const plan = planMemory(s, input);
  // Without flash attention (an F16 cache of a model whose key and value heads differ) the attention
  // scores of every head are materialised; at long contexts that scratch outweighs the KV cache.
  if (!plan.kvCache.flashAttention && plan.memory.computeBytes > 0.2 * plan.memory.totalBytes) {
    plan.reason += ` ${formatBytes(plan.memory.computeBytes)} of that is attention scratch: this model runs without flash attention here, so a shorter context helps most.`;
  }
  return plan;
}

function planMemory(s: ModelStructure, input: PlanInput): FitPlan {
  const { contextSize, machine } = input;
  const totalLayers = s.blocks + 1;
  const gpuCount = machine.gpus.length;
  const gpuLayers = bestGpuLayers(s, contextSize, input.kvCacheType, gpuBudget(machine), gpuCount, input.sequences);
  const m = estimateMemory(s, { contextSize, kvCacheType: input.kvCacheType, gpuLayers, gpuCount, sequences: input.sequences });
  const gpuNeed = deviceTotal(m.gpu);
  const cpuNeed = deviceTotal(m.cpu);
  const sum = (k: keyof typeof m.cpu) => m.cpu[k] + m.gpu[k];
  const parts = { weightsBytes: sum("weightsBytes"), kvCacheBytes: sum("kvCacheBytes"), computeBytes: sum("computeBytes") };
  const memory = { ...parts, totalBytes: parts.weightsBytes + parts.kvCacheBytes + parts.computeBytes };

  // Unified memory: what sits "on the GPU" is in the same RAM, so the whole need must fit RAM.
  const ramNeed = machine.unifiedMemory ? gpuNeed + cpuNeed : cpuNeed;
  const devices: DeviceMemory[] = [];
  if (gpuLayers > 0) {
    const vram = machine.gpus.reduce((a, g) => a + g.vramFreeBytes, 0);
    devices.push({
      device: machine.gpus.length > 1 ? `${machine.gpus.length} GPUs` : (machine.gpus[0]?.name ?? "GPU"),
      ...m.gpu,
      totalBytes: gpuNeed,
      availableBytes: vram,
    });
  }
  devices.push({ device: machine.unifiedMemory ? "RAM (unified)" : "RAM", ...m.cpu, totalBytes: ramNeed, availableBytes: machine.ramUsableBytes });

  const kvCacheOn = m.gpu.kvCacheBytes === 0 ? "cpu" : m.cpu.kvCacheBytes === 0 ? "gpu" : "split";
  const measured = input.measuredTokensPerSecond;
  const speed = measured
    ? { tokensPerSecond: measured, basis: "measured" as const, note: "Measured on this computer." }
    : { ...estimateSpeed(s, m, machine), basis: "estimate" as const };
  const base = { gpuLayers, totalLayers, kvCacheOn, devices, memory, speed, kvCache: m.kvCache } as const;

  const hasAll = machine.ramBytes + (machine.unifiedMemory ? 0 : machine.gpus.reduce((a, g) => a + g.vramFreeBytes, 0));
  if (ramNeed > machine.ramBytes) {
    const needs = machine.unifiedMemory ? ramNeed : memory.totalBytes;
    return {
      ...base,
      verdict: "wont-fit",
      reason: `Won't fit: needs ${formatBytes(needs)} at this context, this machine has ${formatBytes(hasAll)}${machine.gpus.length > 0 && !machine.unifiedMemory ? " (RAM and VRAM together)" : ""}.`,
    };
  }
  if (!input.downloaded && machine.diskFreeBytes !== null && machine.diskFreeBytes < input.downloadBytes) {
    return {
      ...base,
      verdict: "no-disk",
      reason: `Not enough disk to download: needs ${formatBytes(input.downloadBytes)}, ${formatBytes(machine.diskFreeBytes)} free in the models folder.`,
    };
  }
  if (ramNeed > machine.ramUsableBytes) {
    return {
      ...base,
      verdict: "tight",
      reason: `Tight, may swap: needs ${formatBytes(ramNeed)} of RAM, ${formatBytes(machine.ramUsableBytes)} is free for models out of ${formatBytes(machine.ramBytes)}.`,
    };
  }
  if (gpuLayers === totalLayers) {
    return {
      ...base,
      verdict: "gpu-full",
      reason: `Runs fully on the GPU: ${formatBytes(gpuNeed)} of ${formatBytes(machine.gpus.reduce((a, g) => a + g.vramFreeBytes, 0))} ${machine.unifiedMemory ? "the GPU may use of unified memory" : "VRAM"}, ${speedWords(speed.tokensPerSecond)}.`,
    };
  }
  if (gpuLayers > 0) {
    return {
      ...base,
      verdict: "gpu-partial",
      reason: `Partial offload: ${gpuLayers} of ${totalLayers} layers on the GPU (${formatBytes(gpuNeed)} VRAM), the rest in RAM (${formatBytes(cpuNeed)}); ${speedWords(speed.tokensPerSecond)}.`,
    };
  }
  return {
    ...base,
    verdict: "cpu-only",
    reason: `CPU only${machine.gpus.length > 0 ? " (not even one layer fits the GPU)" : ""}: ${formatBytes(cpuNeed)} of ${formatBytes(machine.ramUsableBytes)} RAM, ${speedWords(speed.tokensPerSecond)}.`,
  };
}

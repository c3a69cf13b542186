import type { CustomMachine, GpuInfo, HardwareInfo, MachinePreset, MachineProfile } from "../../shared/contract/catalog.js";
import { CustomMachine as CustomMachineSchema } from "../../shared/contract/catalog.js";
import { DEFAULT_RAM_BANDWIDTH_GBS, gpuBandwidthGBs } from "./bandwidth.js";
import { appleGpuShare } from "./probe.js";

const GiB = 1024 ** 3;

/** RAM the OS and other programs keep: 8 % of it, at least 1.5 GiB and at most 8 GiB. */
export function usableRam(ramBytes: number): number {
  return Math.max(0, ramBytes - Math.min(8 * GiB, Math.max(1.5 * GiB, ramBytes * 0.08)));
}

function gpu(name: string, vramGiB: number, source = "preset"): GpuInfo {
  const bytes = vramGiB * GiB;
  return { name, vramTotalBytes: bytes, vramFreeBytes: bytes, source, bandwidthGBs: gpuBandwidthGBs(name) };
}

function profile(id: string, label: string, ramGiB: number, gpus: GpuInfo[], ramBandwidthGBs: number, unifiedMemory = false): MachineProfile {
  const ramBytes = ramGiB * GiB;
  return { id, label, ramBytes, ramUsableBytes: usableRam(ramBytes), swapBytes: 0, gpus, unifiedMemory, ramBandwidthGBs, diskFreeBytes: null };
}

function apple(id: string, chip: string, ramGiB: number, bandwidth: number): MachinePreset {
  const ram = ramGiB * GiB;
  const share = appleGpuShare(ram);
  const g: GpuInfo = { name: `Apple ${chip} GPU`, vramTotalBytes: share, vramFreeBytes: share, source: "unified memory", bandwidthGBs: bandwidth };
  return {
    id,
    group: "Apple silicon",
    label: `Apple ${chip}, ${ramGiB} GB unified memory`,
    machine: profile(id, `Apple ${chip}, ${ramGiB} GB`, ramGiB, [g], bandwidth, true),
  };
}

/** Machines people ask about before buying hardware. */
export const MACHINE_PRESETS: MachinePreset[] = [
  { id: "laptop-8gb", group: "CPU only", label: "Laptop, 8 GB RAM, no GPU", machine: profile("laptop-8gb", "Laptop, 8 GB RAM", 8, [], 40) },
  { id: "laptop-16gb", group: "CPU only", label: "Laptop, 16 GB RAM, no GPU", machine: profile("laptop-16gb", "Laptop, 16 GB RAM", 16, [], 60) },
  {
    id: "gpu-8gb",
    group: "Consumer GPU",
    label: "RTX 4060 (8 GB) + 32 GB RAM",
    machine: profile("gpu-8gb", "RTX 4060 8 GB", 32, [gpu("NVIDIA GeForce RTX 4060", 8)], 60),
  },
  {
    id: "gpu-12gb",
    group: "Consumer GPU",
    label: "RTX 3060 (12 GB) + 32 GB RAM",
    machine: profile("gpu-12gb", "RTX 3060 12 GB", 32, [gpu("NVIDIA GeForce RTX 3060", 12)], 60),
  },
  {
    id: "gpu-16gb",
    group: "Consumer GPU",
    label: "RTX 4080 (16 GB) + 64 GB RAM",
    machine: profile("gpu-16gb", "RTX 4080 16 GB", 64, [gpu("NVIDIA GeForce RTX 4080", 16)], 80),
  },
  {
    id: "gpu-24gb",
    group: "Consumer GPU",
    label: "RTX 4090 (24 GB) + 64 GB RAM",
    machine: profile("gpu-24gb", "RTX 4090 24 GB", 64, [gpu("NVIDIA GeForce RTX 4090", 24)], 80),
  },
  {
    id: "workstation-2x24gb",
    group: "Workstation",
    label: "2 × RTX 3090 (48 GB) + 128 GB RAM",
    machine: profile("workstation-2x24gb", "2 × RTX 3090", 128, [gpu("NVIDIA GeForce RTX 3090", 24), gpu("NVIDIA GeForce RTX 3090", 24)], 80),
  },
  apple("apple-16gb", "M2", 16, 100),
  apple("apple-36gb", "M3 Pro", 36, 150),
  apple("apple-64gb", "M4 Max", 64, 546),
  apple("apple-128gb", "M4 Max", 128, 546),
  apple("apple-192gb", "M2 Ultra", 192, 800),
  {
    id: "dc-8x80gb",
    group: "Data centre",
    label: "8 × H100 80 GB + 2 TB RAM",
    machine: profile(
      "dc-8x80gb",
      "8 × H100 80 GB",
      2048,
      Array.from({ length: 8 }, () => gpu("NVIDIA H100 80GB HBM3", 80)),
      300,
    ),
  },
  {
    id: "dc-8x141gb",
    group: "Data centre",
    label: "8 × H200 141 GB + 2 TB RAM",
    machine: profile(
      "dc-8x141gb",
      "8 × H200 141 GB",
      2048,
      Array.from({ length: 8 }, () => gpu("NVIDIA H200", 141)),
      300,
    ),
  },
];

export function presetById(id: string): MachinePreset | undefined {
  return MACHINE_PRESETS.find((p) => p.id === id);
}

/** The probed machine as the estimator sees it; VRAM and disk as they are free right now. */
export function profileFromHardware(hw: HardwareInfo): MachineProfile {
  return {
    id: "this",
    label: "This computer",
    ramBytes: hw.ramTotalBytes,
    ramUsableBytes: usableRam(hw.ramTotalBytes),
    swapBytes: hw.swapTotalBytes,
    gpus: hw.gpus.map((g) => ({ ...g, bandwidthGBs: g.bandwidthGBs ?? gpuBandwidthGBs(g.name) })),
    unifiedMemory: hw.unifiedMemory,
    // One thread's copy rate under-reads what several llama.cpp threads reach together.
    ramBandwidthGBs: hw.ramBandwidthGBs ? Math.round(hw.ramBandwidthGBs * 1.5) : DEFAULT_RAM_BANDWIDTH_GBS,
    diskFreeBytes: hw.diskFreeBytes,
  };
}

/** Numbers typed into the planner, in GiB: memory is sold in binary units, and every figure is shown in them. */
export function profileFromCustom(input: CustomMachine): MachineProfile {
  const m = CustomMachineSchema.parse(input);
  const ramBytes = m.ramGB * GiB;
  const gpus: GpuInfo[] = m.unifiedMemory
    ? [
        {
          name: m.gpus[0]?.name ?? "Unified-memory GPU",
          vramTotalBytes: appleGpuShare(ramBytes),
          vramFreeBytes: appleGpuShare(ramBytes),
          source: "typed numbers",
          bandwidthGBs: m.gpus[0]?.bandwidthGBs ?? m.ramBandwidthGBs,
        },
      ]
    : m.gpus.map((g, i) => ({
        name: g.name ?? `GPU ${i + 1}`,
        vramTotalBytes: g.vramGB * GiB,
        vramFreeBytes: g.vramGB * GiB,
        source: "typed numbers",
        bandwidthGBs: g.bandwidthGBs ?? (g.name ? gpuBandwidthGBs(g.name) : undefined),
      }));
  return {
    id: "custom",
    label: m.label ?? "Custom machine",
    ramBytes,
    ramUsableBytes: usableRam(ramBytes),
    swapBytes: 0,
    gpus,
    unifiedMemory: m.unifiedMemory,
    ramBandwidthGBs: m.ramBandwidthGBs ?? DEFAULT_RAM_BANDWIDTH_GBS,
    diskFreeBytes: m.diskFreeGB === undefined ? null : m.diskFreeGB * GiB,
  };
}

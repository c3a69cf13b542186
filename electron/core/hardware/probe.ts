import { execFile } from "node:child_process";
import { readFile, statfs } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { GpuInfo, HardwareInfo } from "../../shared/contract/catalog.js";
import { measureRamBandwidth } from "./bandwidth.js";
import type { MachineFingerprint } from "./kept-bandwidth.js";

export interface ProbeOptions {
  modelsDir: string;
  /** GPUs as the engine's llama.cpp backend sees them; preferred over nvidia-smi when given. */
  engineGpus?: () => Promise<{ backend: string; gpus: GpuInfo[] } | null>;
  measureBandwidth?: boolean;
  /** Where the RAM bandwidth comes from when it is measured: the figure kept for this machine, else a fresh copy test. */
  ramBandwidth?: (machine: MachineFingerprint) => Promise<number>;
  /** For tests: where /proc files and nvidia-smi are read from. */
  procRoot?: string;
  nvidiaSmi?: string;
  platform?: NodeJS.Platform;
}

const GiB = 1024 ** 3;

function run(file: string, args: string[], timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, windowsHide: true }, (error, stdout) => resolve(error ? null : stdout));
  });
}

/** `nvidia-smi --query-gpu=name,memory.total,memory.free --format=csv,noheader,nounits` (MiB). */
export function parseNvidiaSmi(csv: string): GpuInfo[] {
  const gpus: GpuInfo[] = [];
  for (const line of csv.split(/\r?\n/)) {
    const parts = line.split(",").map((p) => p.trim());
    if (parts.length < 3) continue;
    const [name, total, free] = parts as [string, string, string];
    const totalMiB = Number(total);
    const freeMiB = Number(free);
    if (!name || !Number.isFinite(totalMiB) || !Number.isFinite(freeMiB)) continue;
    gpus.push({ name, vramTotalBytes: totalMiB * 1024 ** 2, vramFreeBytes: freeMiB * 1024 ** 2, source: "nvidia-smi" });
  }
  return gpus;
}

/** `/proc/meminfo` figures in bytes (the file gives kB). */
export function parseMeminfo(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const m = /^(\w+):\s+(\d+)\s*kB/.exec(line);
    if (m) out[m[1]!] = Number(m[2]) * 1024;
  }
  return out;
}

const SIMD_FLAGS = [
  "sse4_2",
  "avx",
  "avx2",
  "fma",
  "f16c",
  "avx512f",
  "avx512bw",
  "avx512_vnni",
  "avx_vnni",
  "amx_tile",
  "asimd",
  "asimddp",
  "i8mm",
  "sve",
  "sve2",
];
const SIMD_NAMES: Record<string, string> = { asimd: "neon", asimddp: "dotprod", amx_tile: "amx", sse4_2: "sse4.2" };

/** SIMD features llama.cpp uses, from `/proc/cpuinfo` flags (x86) or Features (ARM). */
export function parseCpuinfoSimd(text: string): string[] {
  const line = /^(flags|Features)\s*:(.*)$/m.exec(text);
  if (!line) return [];
  const have = new Set(line[2]!.trim().split(/\s+/));
  return SIMD_FLAGS.filter((f) => have.has(f)).map((f) => SIMD_NAMES[f] ?? f);
}

/** Share of unified memory macOS lets the GPU wire: about two thirds up to 36 GB, three quarters above. */
export function appleGpuShare(ramBytes: number): number {
  return ramBytes <= 36 * GiB ? Math.floor(ramBytes * (2 / 3)) : Math.floor(ramBytes * 0.75);
}

/** The nearest existing folder at or above `dir` (the models folder may not exist yet). */
async function diskFree(dir: string): Promise<number | null> {
  let current = path.resolve(dir);
  for (;;) {
    try {
      const s = await statfs(current);
      return Number(s.bavail) * Number(s.bsize);
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return null;
      current = parent;
    }
  }
}

/**
 * What this machine offers a model: RAM, swap, CPU, disk at the models folder and GPUs. Reads
 * files and asks nvidia-smi; never loads llama.cpp and never builds anything. Well under a second.
 */
export async function probeHardware(options: ProbeOptions): Promise<HardwareInfo> {
  const started = performance.now();
  const platform = options.platform ?? process.platform;
  const procRoot = options.procRoot ?? "/proc";
  const readProc = (name: string) => (platform === "linux" ? readFile(path.join(procRoot, name), "utf8").catch(() => "") : Promise.resolve(""));

  const [meminfoText, cpuinfoText, disk, smi, engine] = await Promise.all([
    readProc("meminfo"),
    readProc("cpuinfo"),
    diskFree(options.modelsDir),
    platform === "darwin"
      ? Promise.resolve(null)
      : run(options.nvidiaSmi ?? "nvidia-smi", ["--query-gpu=name,memory.total,memory.free", "--format=csv,noheader,nounits"], 900),
    (options.engineGpus?.() ?? Promise.resolve(null)).catch(() => null),
  ]);

  const meminfo = parseMeminfo(meminfoText);
  const ramTotalBytes = meminfo.MemTotal ?? os.totalmem();
  const ramFreeBytes = meminfo.MemAvailable ?? os.freemem();
  const cpuModel = os.cpus()[0]?.model.trim() || (platform === "darwin" && process.arch === "arm64" ? "Apple silicon" : "unknown CPU");
  let simd = parseCpuinfoSimd(cpuinfoText);
  if (simd.length === 0 && process.arch === "arm64" && platform === "darwin") simd = ["neon", "dotprod"];
  const cores = os.availableParallelism();
  const ramBandwidth = options.ramBandwidth ?? (() => measureRamBandwidth());
  const bandwidth = options.measureBandwidth ? await ramBandwidth({ cpuModel, cores, ramTotalBytes }) : null;

  const unifiedMemory = platform === "darwin" && process.arch === "arm64";
  let gpus: GpuInfo[] = [];
  let backend = "cpu";
  if (engine && engine.gpus.length > 0) {
    gpus = engine.gpus;
    backend = engine.backend;
  } else if (unifiedMemory) {
    const share = appleGpuShare(ramTotalBytes);
    gpus = [{ name: `${cpuModel} GPU`, vramTotalBytes: share, vramFreeBytes: Math.min(share, ramFreeBytes), source: "unified memory" }];
    backend = "metal";
  } else if (smi) {
    gpus = parseNvidiaSmi(smi);
    if (gpus.length > 0) backend = "cuda";
  }

  return {
    cpu: { model: cpuModel, cores, simd },
    ramTotalBytes,
    ramFreeBytes,
    swapTotalBytes: meminfo.SwapTotal ?? 0,
    swapFreeBytes: meminfo.SwapFree ?? 0,
    gpus,
    unifiedMemory,
    backend,
    modelsDir: options.modelsDir,
    diskFreeBytes: disk,
    ramBandwidthGBs: bandwidth,
    probeMs: Math.round(performance.now() - started),
  };
}

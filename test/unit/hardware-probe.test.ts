import { chmodSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { HardwareInfo } from "../../electron/shared/contract/catalog.js";
import { measureRamBandwidth } from "../../electron/core/hardware/bandwidth.js";
import { appleGpuShare, parseCpuinfoSimd, parseMeminfo, parseNvidiaSmi, probeHardware } from "../../electron/core/hardware/probe.js";
import { profileFromHardware } from "../../electron/core/hardware/presets.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "r1-hw-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const GiB = 1024 ** 3;

describe("hardware probe", () => {
  it("describes this machine: RAM, CPU, SIMD, disk at the models folder, bandwidth", async () => {
    const info = await probeHardware({ modelsDir: path.join(dir, "models-not-created-yet"), measureBandwidth: true });
    expect(HardwareInfo.parse(info)).toEqual(info);
    expect(info.ramTotalBytes).toBe(os.totalmem());
    expect(info.ramFreeBytes).toBeGreaterThan(0);
    expect(info.ramFreeBytes).toBeLessThanOrEqual(info.ramTotalBytes);
    expect(info.cpu.cores).toBe(os.availableParallelism());
    expect(info.cpu.model.length).toBeGreaterThan(0);
    // The models folder does not exist yet: the free space of the disk it will be on.
    expect(info.diskFreeBytes).toBeGreaterThan(0);
    expect(info.ramBandwidthGBs).toBeGreaterThan(0.5);
    if (process.platform === "linux" && process.arch === "x64") expect(info.cpu.simd).toContain("sse4.2");
    expect(info.probeMs).toBeGreaterThanOrEqual(0);
  });

  it("reads GPUs from nvidia-smi, and several GPUs add up", async () => {
    const bin = path.join(dir, "bin");
    mkdirSync(bin, { recursive: true });
    const fake = path.join(bin, "nvidia-smi");
    writeFileSync(fake, `#!/bin/sh\necho "NVIDIA GeForce RTX 3090, 24576, 23000"\necho "NVIDIA GeForce RTX 3090, 24576, 24000"\n`);
    chmodSync(fake, 0o755);
    const info = await probeHardware({ modelsDir: dir, nvidiaSmi: fake, platform: "linux" });
    expect(info.backend).toBe("cuda");
    expect(info.gpus.map((g) => [g.name, g.vramTotalBytes / 1024 ** 2, g.vramFreeBytes / 1024 ** 2])).toEqual([
      ["NVIDIA GeForce RTX 3090", 24576, 23000],
      ["NVIDIA GeForce RTX 3090", 24576, 24000],
    ]);
    const profile = profileFromHardware(info);
    expect(profile.gpus.reduce((a, g) => a + g.vramTotalBytes, 0)).toBe(48 * GiB);
    expect(profile.gpus[0]!.bandwidthGBs).toBe(936);
  });

  it("prefers the GPUs the engine's llama.cpp backend reports", async () => {
    const info = await probeHardware({
      modelsDir: dir,
      nvidiaSmi: path.join(dir, "no-such-binary"),
      engineGpus: async () => ({
        backend: "vulkan",
        gpus: [{ name: "AMD Radeon RX 7900 XTX", vramTotalBytes: 24 * GiB, vramFreeBytes: 20 * GiB, source: "llama.cpp" }],
      }),
    });
    expect(info.backend).toBe("vulkan");
    expect(info.gpus[0]!.name).toBe("AMD Radeon RX 7900 XTX");
  });

  it("without nvidia-smi or an engine, reports no GPU and the CPU backend", async () => {
    const info = await probeHardware({ modelsDir: dir, nvidiaSmi: path.join(dir, "no-such-binary"), platform: "linux" });
    expect(info.gpus).toEqual([]);
    expect(info.backend).toBe("cpu");
  });
});

describe("probe parsers", () => {
  it("parses nvidia-smi CSV in MiB and skips junk lines", () => {
    expect(parseNvidiaSmi("NVIDIA H100 80GB HBM3, 81559, 81000\n\nNo devices were found\n")).toEqual([
      { name: "NVIDIA H100 80GB HBM3", vramTotalBytes: 81559 * 1024 ** 2, vramFreeBytes: 81000 * 1024 ** 2, source: "nvidia-smi" },
    ]);
  });

  it("parses /proc/meminfo and /proc/cpuinfo", () => {
    const mem = parseMeminfo("MemTotal:       24576000 kB\nMemAvailable:   12000000 kB\nSwapTotal:       2097148 kB\nSwapFree:        2097148 kB\n");
    expect(mem).toMatchObject({ MemTotal: 24576000 * 1024, MemAvailable: 12000000 * 1024, SwapTotal: 2097148 * 1024 });
    expect(parseCpuinfoSimd("processor\t: 0\nflags\t\t: fpu sse4_2 avx avx2 fma f16c avx512f avx512bw\n")).toEqual([
      "sse4.2",
      "avx",
      "avx2",
      "fma",
      "f16c",
      "avx512f",
      "avx512bw",
    ]);
    expect(parseCpuinfoSimd("Features\t: fp asimd asimddp i8mm sve\n")).toEqual(["neon", "dotprod", "i8mm", "sve"]);
  });

  it("gives Apple GPUs two thirds of unified memory up to 36 GB, three quarters above", () => {
    expect(appleGpuShare(16 * GiB) / GiB).toBeCloseTo(10.67, 1);
    expect(appleGpuShare(192 * GiB) / GiB).toBe(144);
  });

  it("measures RAM bandwidth once per process", async () => {
    const first = await measureRamBandwidth();
    expect(await measureRamBandwidth()).toBe(first);
  });
});

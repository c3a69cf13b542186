import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { KeptBandwidth, type MachineFingerprint } from "../../electron/core/hardware/kept-bandwidth.js";

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "r1-stable-"));
  dirs.push(dir);
  return dir;
}

const GiB = 1024 ** 3;
const machine: MachineFingerprint = { cpuModel: "AMD Ryzen 7 7840U", cores: 16, ramTotalBytes: 31.3 * GiB };

/** A copy test whose figure moves on every run, as the reporter's did (about 40 %). */
function noisyCopyTest(): { measure: () => Promise<number>; runs: () => number } {
  const figures = [21.4, 30.2, 17.9, 26.5];
  let runs = 0;
  return { measure: async () => figures[runs++ % figures.length]!, runs: () => runs };
}

describe("RAM bandwidth kept per machine", () => {
  it("measures once, then every later launch on the same machine gets the kept figure", async () => {
    const file = path.join(await tempDir(), "hardware", "ram-bandwidth.json");
    const copyTest = noisyCopyTest();
    const first = await new KeptBandwidth(file, copyTest.measure).forMachine(machine);
    const second = await new KeptBandwidth(file, copyTest.measure).forMachine(machine);
    // A few kB less RAM after a reboot is the same machine.
    const third = await new KeptBandwidth(file, copyTest.measure).forMachine({ ...machine, ramTotalBytes: machine.ramTotalBytes - 200_000 });
    expect([first, second, third]).toEqual([21.4, 21.4, 21.4]);
    expect(copyTest.runs()).toBe(1);
    expect(JSON.parse(await readFile(file, "utf8"))).toMatchObject({ fingerprint: "AMD Ryzen 7 7840U · 16 cores · 31 GiB", ramBandwidthGBs: 21.4 });
  });

  it("measures again when the CPU, its core count or the RAM changes", async () => {
    const file = path.join(await tempDir(), "ram-bandwidth.json");
    const copyTest = noisyCopyTest();
    const figures = [];
    for (const changed of [
      machine,
      { ...machine, ramTotalBytes: 64 * GiB },
      { ...machine, ramTotalBytes: 64 * GiB, cores: 8 },
      { ...machine, cpuModel: "Apple M3" },
    ]) {
      figures.push(await new KeptBandwidth(file, copyTest.measure).forMachine(changed));
    }
    expect(figures).toEqual([21.4, 30.2, 17.9, 26.5]);
    expect(copyTest.runs()).toBe(4);
  });

  it("measures again when the kept file is damaged, and keeps the new figure", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "ram-bandwidth.json");
    await writeFile(file, "{ not json");
    const copyTest = noisyCopyTest();
    expect(await new KeptBandwidth(file, copyTest.measure).forMachine(machine)).toBe(21.4);
    expect(await new KeptBandwidth(file, copyTest.measure).forMachine(machine)).toBe(21.4);
    expect(copyTest.runs()).toBe(1);
  });
});

/** One launch of the real core on `dataDir`, in a fresh module graph as a new process would have. */
async function launch(dataDir: string): Promise<{ recommended: unknown; estimates: Record<string, number>; bandwidth: unknown }> {
  vi.resetModules();
  const { AppCore } = await import("../../electron/core/composition/app-core.js");
  const core = await AppCore.create({ dataDir, mode: "serve", env: { HOME: dataDir } });
  try {
    const call = async (name: string, payload: unknown) => {
      const outcome = await core.dispatch(name, payload);
      if (!outcome.ok) throw new Error(outcome.error.message);
      return outcome.value as Record<string, unknown>;
    };
    const recommendation = await call("catalog.recommend", { use: "chat", contextSize: 8192, machine: "this" });
    const evaluation = await call("fit.evaluate", { contextSize: 8192, machine: "this" });
    const results = evaluation.results as { variantId: string; speed: { tokensPerSecond: number } }[];
    return {
      recommended: recommendation.variantId,
      estimates: Object.fromEntries(results.map((r) => [r.variantId, r.speed.tokensPerSecond])),
      bandwidth: (evaluation.machine as { ramBandwidthGBs: unknown }).ramBandwidthGBs,
    };
  } finally {
    await core.close();
  }
}

describe("the same machine, launched again", () => {
  it("recommends the same model with the same speed estimates on every launch", { timeout: 120_000 }, async () => {
    const dataDir = await tempDir();
    const launches = [];
    for (let i = 0; i < 3; i++) launches.push(await launch(dataDir));
    expect(Object.keys(launches[0]!.estimates).length).toBeGreaterThan(5);
    expect(launches[1]).toEqual(launches[0]);
    expect(launches[2]).toEqual(launches[0]);
    // The figure is kept in the data folder, so a later launch reads it instead of measuring.
    const kept = JSON.parse(await readFile(path.join(dataDir, "hardware", "ram-bandwidth.json"), "utf8")) as { ramBandwidthGBs: number };
    expect(kept.ramBandwidthGBs).toBeGreaterThan(0);
  });
});

import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFixture } from "../fixtures/models.js";
import { CoreHarness } from "../support/engine/harness.js";

// "auto" threads (the default setting): the engine measures which thread count generates fastest
// on this machine and model, once; later loads of a model of that size use the saved choice.
let harness: CoreHarness;
let modelPath: string;

async function loadAuto() {
  const { jobId } = (await harness.call("engine.load", { path: modelPath, contextSize: 1024, family: "other" })) as { jobId: string };
  return (await harness.waitFor("engine.loaded", (e) => e.jobId === jobId)).model;
}

beforeAll(async () => {
  modelPath = await ensureFixture("bench-q8_0");
  harness = await CoreHarness.start();
});
afterAll(() => harness.close());

describe("thread count from a measurement", () => {
  it("measures the candidates on the first load and runs the fastest", async () => {
    const model = await loadAuto();
    const measurement = model.threadsMeasurement!;
    expect(measurement.candidates.map((c) => c.threads)).toContain(1);
    for (const candidate of measurement.candidates) expect(candidate.tokensPerSecond).toBeGreaterThan(0);
    const fastest = Math.max(...measurement.candidates.map((c) => c.tokensPerSecond));
    const chosen = measurement.candidates.find((c) => c.threads === measurement.threads)!;
    // The pick is the fastest, or fewer threads within 3% of it.
    expect(chosen.tokensPerSecond).toBeGreaterThanOrEqual(fastest / 1.03);
    expect(model.threads).toBe(measurement.threads);
  });

  it("measures the prompt's thread count apart and runs prompts on it", async () => {
    const saved = JSON.parse(await readFile(path.join(harness.dataDir, "engine", "threads.json"), "utf8")) as Record<string, { batchThreads?: number }>;
    const [choice] = Object.values(saved);
    expect(choice!.batchThreads).toBeGreaterThanOrEqual(1);
    const model = await loadAuto();
    expect(model.batchThreads).toBe(choice!.batchThreads);
  });

  it("keeps the choice on disk and reuses it instead of measuring again", async () => {
    const saved = JSON.parse(await readFile(path.join(harness.dataDir, "engine", "threads.json"), "utf8")) as Record<string, { threads: number }>;
    const [choice] = Object.values(saved);
    const model = await loadAuto();
    expect(model.threadsMeasurement ?? null).toBeNull();
    expect(model.threads).toBe(choice!.threads);
  });

  it("measures again when the kept choice predates the prompt's own measurement", async () => {
    const file = path.join(harness.dataDir, "engine", "threads.json");
    const saved = JSON.parse(await readFile(file, "utf8")) as Record<string, { batchThreads?: number; batchCandidates?: unknown }>;
    for (const choice of Object.values(saved)) {
      delete choice.batchThreads;
      delete choice.batchCandidates;
    }
    await writeFile(file, JSON.stringify(saved));
    const fresh = await CoreHarness.start({ dataDir: harness.dataDir });
    try {
      const { jobId } = (await fresh.call("engine.load", { path: modelPath, contextSize: 1024, family: "other" })) as { jobId: string };
      const model = (await fresh.waitFor("engine.loaded", (e) => e.jobId === jobId)).model;
      expect(model.threadsMeasurement?.batchCandidates?.length).toBeGreaterThan(0);
    } finally {
      await fresh.close();
    }
  });

  it("never measures when the user chose a thread count", async () => {
    const model = await harness.load({ path: modelPath, contextSize: 1024, family: "other" });
    expect(model.threadsMeasurement ?? null).toBeNull();
    expect(model.threads).toBe(1);
  });
});

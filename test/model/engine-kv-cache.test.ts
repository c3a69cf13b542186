import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFixture, SCRIPT_ANSWER, SCRIPT_THOUGHT } from "../fixtures/models.js";
import { CONTEXT_STEPS } from "../../electron/core/fit/context-choice.js";
import { readModelStructure } from "../../electron/core/fit/fit-service.js";
import { createTempCore } from "../support/core/temp-core.js";
import { callOk, waitForEvent } from "../support/core/wait-for-event.js";
import { CoreHarness, r1Options, runGeneration } from "../support/engine/harness.js";

/**
 * Room to reason loads models with a quantized KV cache and flash attention: the engine applies the
 * type the core asks for, llama.cpp really allocates less for it, and the model still answers.
 */
describe("engine: quantized KV caches", () => {
  let harness: CoreHarness;
  beforeAll(async () => {
    harness = await CoreHarness.start();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it.each(["q8_0", "q4_0"] as const)("a %s cache with flash attention loads and answers", async (kvCacheType) => {
    const model = await harness.load({ path: await ensureFixture("scripted-r1"), contextSize: 2048, kvCacheType });
    expect(model).toMatchObject({ kvCacheType, flashAttention: true, contextSize: 2048 });
    const { done } = await runGeneration(harness.engine, { turns: [{ role: "user", content: "What is 2 + 2?" }], options: r1Options });
    expect(done.stopReason).toBe("end");
    expect(done.thought).toBe(SCRIPT_THOUGHT);
    expect(done.answer).toBe(SCRIPT_ANSWER);
  });

  it("llama.cpp holds less memory for the same context with q8_0 than F16, and less again with q4_0", async () => {
    const path = await ensureFixture("scripted-r1");
    const held: Record<string, number> = {};
    for (const kvCacheType of ["f16", "q8_0", "q4_0"] as const) {
      const model = await harness.load({ path, contextSize: 8192, kvCacheType });
      expect(model.kvCacheType).toBe(kvCacheType);
      held[kvCacheType] = (await harness.engine.client.memory()).llamaCpuRamBytes;
    }
    expect(held.q8_0).toBeLessThan(held.f16!);
    expect(held.q4_0).toBeLessThan(held.q8_0!);
  });

  it('without a context or cache type in the request, the settings\' "auto" loads a quantized cache', async () => {
    await harness.call("settings.update", { patch: { kvCacheType: "auto" } });
    const model = await harness.load({ path: await ensureFixture("scripted-r1"), contextSize: 2048 });
    expect(model.kvCacheType).toBe("q8_0");
  });
});

describe("the app: room to reason", () => {
  it("a load with the default settings gets the largest context step the model was trained for that fits here, keeping F16 on a CPU where it fits", async () => {
    const { core, dispose } = await createTempCore();
    try {
      const file = await ensureFixture("scripted-r1");
      const trained = (await readModelStructure(file)).contextLength;
      const loaded = waitForEvent(core, "engine.loaded");
      await callOk(core, "engine.load", { path: file, threads: 1 });
      const { model } = await loaded;
      // A tiny model fits anywhere: the largest step within its trained context.
      expect(model.contextSize).toBe(CONTEXT_STEPS.find((step) => step <= trained) ?? trained);
      // On a CPU a quantized cache would double prompt evaluation and F16 fits; on a GPU, q8_0 (fit/context-choice.ts).
      expect(model.kvCacheType).toBe(model.backend === "cpu" ? "f16" : "q8_0");
    } finally {
      await dispose();
    }
  });

  it('a load at a chosen context with the "auto" cache gets the type the Models page shows for it', async () => {
    const { core, dispose } = await createTempCore();
    try {
      const file = await ensureFixture("scripted-r1");
      const loaded = waitForEvent(core, "engine.loaded");
      await callOk(core, "engine.load", { path: file, threads: 1, contextSize: 2048 });
      const { model } = await loaded;
      expect(model.contextSize).toBe(2048);
      // Rows resolve "auto" as context-choice.ts does: F16 on a CPU where it fits, q8_0 on a GPU.
      expect(model.kvCacheType).toBe(model.backend === "cpu" ? "f16" : "q8_0");
    } finally {
      await dispose();
    }
  });
});

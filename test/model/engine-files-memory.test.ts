import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BAD_FIXTURES, ensureFixture, SCRIPT_ANSWER } from "../fixtures/models.js";
import { CoreHarness, r1Options, runGeneration } from "../support/engine/harness.js";

describe("engine: bad files, switching and memory", () => {
  let harness: CoreHarness;

  beforeAll(async () => {
    harness = await CoreHarness.start();
    // Start the engine and load a good model first, so "still alive" means the same process.
    await harness.load({ path: await ensureFixture("scripted-r1") });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it.each(BAD_FIXTURES)("refuses %s with a clear message; the engine stays alive", async (name) => {
    const pid = harness.engine.client.pid;
    const file = await ensureFixture(name);
    const error = await harness.call("engine.load", { path: file }).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(error?.message).toMatch(/^bad-request: .*cannot be loaded: .{10,}/);
    expect(harness.engine.client.pid).toBe(pid);
    expect(harness.eventsOf("engine.crashed")).toHaveLength(0);
    // The model loaded before is untouched and still answers.
    const { done } = await runGeneration(harness.engine, { turns: [{ role: "user", content: "Still there?" }], options: r1Options });
    expect(done.answer).toBe(SCRIPT_ANSWER);
  });

  it("refuses a missing file and a relative path clearly", async () => {
    await expect(harness.call("engine.load", { path: "/nonexistent/model.gguf" })).rejects.toThrow(/bad-request: .*model\.gguf/);
    await expect(harness.call("engine.load", { path: "model.gguf" })).rejects.toThrow(/must be absolute/);
  });

  it("switching models unloads the previous one; unloading returns llama.cpp's memory to its baseline", async () => {
    await harness.call("engine.unload", {});
    const baseline = await harness.engine.client.memory();
    const small = await harness.load({ path: await ensureFixture("scripted-r1") });
    const withSmall = await harness.engine.client.memory();
    const big = await harness.load({ path: await ensureFixture("bench-q8_0"), family: "other" });
    expect(harness.engine.status().model?.path).toBe(big.path);
    const withBig = await harness.engine.client.memory();
    // The bench model's weights (~126 MiB) plus its context are in llama.cpp's accounting.
    expect(withBig.llamaCpuRamBytes).toBeGreaterThan(withSmall.llamaCpuRamBytes + 100 * 2 ** 20);
    // Switching back: the big model is gone, not kept beside the small one.
    await harness.load({ path: small.path });
    const switchedBack = await harness.engine.client.memory();
    expect(Math.abs(switchedBack.llamaCpuRamBytes - withSmall.llamaCpuRamBytes)).toBeLessThan(4 * 2 ** 20);
    await harness.load({ path: big.path, family: "other" });

    expect(await harness.call("engine.unload", {})).toEqual({ unloaded: true });
    expect(harness.eventsOf("engine.unloaded").at(-1)?.path).toBe(big.path);
    const after = await harness.engine.client.memory();
    console.log(
      `llama.cpp memory: baseline ${mib(baseline.llamaCpuRamBytes)}, loaded ${mib(withBig.llamaCpuRamBytes)}, after unload ${mib(after.llamaCpuRamBytes)}; ` +
        `engine RSS ${mib(withBig.rssBytes)} → ${mib(after.rssBytes)}`,
    );
    expect(Math.abs(after.llamaCpuRamBytes - baseline.llamaCpuRamBytes)).toBeLessThan(4 * 2 ** 20);
    expect(after.rssBytes).toBeLessThan(withBig.rssBytes - 64 * 2 ** 20);
    expect(harness.engine.status().state).toBe("idle");
  });

  it("cancels a load: the load job ends as cancelled and nothing is loaded", async () => {
    const file = await ensureFixture("bench-f16");
    const { jobId } = (await harness.call("engine.load", { path: file, threads: 1 })) as { jobId: string };
    await harness.call("jobs.cancel", { jobId });
    const ended = await Promise.race([
      harness.waitFor("engine.loadFailed", (e) => e.jobId === jobId).then((e) => ({ failed: e })),
      harness.waitFor("engine.loaded", (e) => e.jobId === jobId).then((e) => ({ loaded: e })),
    ]);
    expect(ended).toHaveProperty("failed");
    if ("failed" in ended) {
      expect(ended.failed.cancelled).toBe(true);
      expect(ended.failed.message).toMatch(/cancelled/i);
    }
    expect(harness.engine.status().model).toBeNull();
    // And the engine loads the next one normally.
    await harness.load({ path: await ensureFixture("scripted-r1") });
  });
});

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

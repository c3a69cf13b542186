import { readFile } from "node:fs/promises";
import path from "node:path";
import { getLlamaGpuTypes } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFixture } from "../fixtures/models.js";
import { CoreHarness } from "../support/engine/harness.js";

describe("engine: backend selection", () => {
  let harness: CoreHarness;

  beforeAll(async () => {
    harness = await CoreHarness.start();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it("auto picks the best backend that runs here and reports it with devices, VRAM and threads", async () => {
    const info = (await harness.call("engine.backends", {})) as Record<string, unknown> & {
      backend: string;
      available: string[];
      cpuMathCores: number;
      threads: number;
    };
    expect(info.requested).toBe("auto");
    expect(info.available).toContain("cpu");
    expect(info.available).toContain(info.backend);
    expect(info.cpuMathCores).toBeGreaterThan(0);
    // The library's own default (4) is far slower on small machines: threads come from the math cores.
    expect(info.threads).toBe(info.cpuMathCores);
    expect(info.devices).toBeInstanceOf(Array);
    expect(info.vram).toMatchObject({ totalBytes: expect.any(Number), freeBytes: expect.any(Number) });
    expect(info.llamaCppRelease).toMatch(/\w/);
    if (info.backend === "cpu") expect(info.devices).toEqual([]);
  });

  it("a chosen backend whose binary cannot run here gets a clear message, and the engine keeps working", async () => {
    const detected = await getLlamaGpuTypes("supported");
    const missing = (["cuda", "vulkan"] as const).find((gpu) => !detected.includes(gpu));
    if (process.platform !== "darwin") {
      await expect(harness.call("engine.backends", { backend: "metal" })).rejects.toThrow(/^backend-missing: The Metal backend exists only on macOS/);
    }
    if (missing) {
      await expect(harness.call("engine.backends", { backend: missing })).rejects.toThrow(
        new RegExp(`^backend-missing: The ${missing === "cuda" ? "CUDA" : "Vulkan"} backend is not available here.*Choose Auto or CPU`),
      );
    }
    const cpu = (await harness.call("engine.backends", { backend: "cpu" })) as { backend: string };
    expect(cpu.backend).toBe("cpu");
    const model = await harness.load({ path: await ensureFixture("scripted-r1") });
    expect(model.backend).toBe("cpu");
    expect(harness.eventsOf("engine.crashed")).toHaveLength(0);
  });

  it("reports its state through engine.status", async () => {
    const status = (await harness.call("engine.status", {})) as { state: string; model: { family: string } | null; backend: { backend: string } | null };
    expect(status.state).toBe("ready");
    expect(status.model?.family).toBe("r1-distill");
    expect(status.backend?.backend).toBe("cpu");
  });
});

describe("engine: a backend that crashes the engine while starting", () => {
  let harness: CoreHarness;

  beforeAll(async () => {
    // A GPU backend that looks available and aborts the engine process as it starts (the tests' broken
    // driver: there is no GPU here); the engine reads both when launched.
    process.env.R1_TEST_GPU_TYPES = "vulkan";
    process.env.R1_TEST_CRASH_BACKEND = "vulkan";
    harness = await CoreHarness.start();
  });
  afterAll(async () => {
    delete process.env.R1_TEST_GPU_TYPES;
    delete process.env.R1_TEST_CRASH_BACKEND;
    await harness?.close();
  });

  it("is excluded for good: the restarted engine runs on the next backend and says why, without a hang", async () => {
    // The first start dies in the broken backend; the caller hears of the crash, not silence.
    await expect(harness.call("engine.backends", {})).rejects.toThrow(/crash/i);
    await harness.engine.client.whenRestarted();
    const info = (await harness.call("engine.backends", {})) as { backend: string; excluded?: string[]; notice?: string };
    expect(info.backend).toBe("cpu");
    expect(info.excluded).toEqual(["vulkan"]);
    expect(info.notice).toMatch(/^The Vulkan backend crashed the engine while starting, so Auto skips it now and runs on CPU\./);
    const notices = harness.eventsOf("app.notice") as Array<{ message: string }>;
    expect(notices.map((n) => n.message)).toEqual([info.notice]);
    // Kept in the data folder, so the next launch of the app skips it too.
    const kept = JSON.parse(await readFile(path.join(harness.dataDir, "engine", "backend-attempts.json"), "utf8")) as unknown;
    expect(kept).toEqual({ starting: null, excluded: ["vulkan"] });
    // And a model loads on the backend it fell to.
    const model = await harness.load({ path: await ensureFixture("scripted-r1") });
    expect(model.backend).toBe("cpu");
  });
});

describe("engine: a backend that hangs while starting", () => {
  let harness: CoreHarness;

  beforeAll(async () => {
    process.env.R1_TEST_GPU_TYPES = "vulkan";
    process.env.R1_TEST_HANG_BACKEND = "vulkan";
    // Long enough for the CPU backend to start on a busy machine; the app waits 5 minutes.
    harness = await CoreHarness.start({ startTimeoutMs: 45_000 });
  });
  afterAll(async () => {
    delete process.env.R1_TEST_GPU_TYPES;
    delete process.env.R1_TEST_HANG_BACKEND;
    await harness?.close();
  });

  it("ends the engine after the start limit, and the restarted engine runs on the next backend with the notice", async () => {
    await expect(harness.call("engine.backends", {})).rejects.toThrow(/crash/i);
    await harness.engine.client.whenRestarted();
    const info = (await harness.call("engine.backends", {})) as { backend: string; excluded?: string[]; notice?: string };
    expect(info.backend).toBe("cpu");
    expect(info.excluded).toEqual(["vulkan"]);
    expect(info.notice).toMatch(/^The Vulkan backend crashed the engine while starting/);
  });
});

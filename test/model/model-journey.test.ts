import { copyFile, mkdir, mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppCore } from "../../electron/core/composition/app-core.js";
import { ensureFixture, SCRIPT_ANSWER } from "../fixtures/models.js";
import { writeFixtureCatalog } from "../support/catalog/extra-catalog.js";
import { createTempCore } from "../support/core/temp-core.js";
import { callOk, waitForEvent } from "../support/core/wait-for-event.js";
import { startHub, type Hub } from "../support/hub/server.js";

// One model's whole life through the real core: found in the catalog with a fit estimate,
// downloaded from a Hugging-Face-shaped hub, listed in the library, loaded, asked, and its
// measured speed replacing the estimate.
let hub: Hub;
let core: AppCore;
let dispose: () => Promise<void>;
let modelId: string;
let variantId: string;

beforeAll(async () => {
  const work = await mkdtemp(path.join(os.tmpdir(), "r1-journey-"));
  const repoDir = path.join(work, "hub", "local", "scripted-r1-GGUF");
  await mkdir(repoDir, { recursive: true });
  const model = await ensureFixture("scripted-r1");
  await copyFile(model, path.join(repoDir, "scripted-r1.gguf"));
  hub = await startHub({ dir: path.join(work, "hub") });
  ({ modelId, variantId } = await writeFixtureCatalog(path.join(work, "extra-catalog.json"), {
    modelFile: model,
    repo: "local/scripted-r1-GGUF",
    fileName: "scripted-r1.gguf",
  }));
  ({ core, dispose } = await createTempCore({ HF_ENDPOINT: hub.url, R1_EXTRA_CATALOG: path.join(work, "extra-catalog.json") }));
});
afterAll(async () => {
  await dispose?.();
  await hub?.close();
});

describe("a model from catalog to answer", () => {
  it("is estimated, downloaded and verified, loaded, asked, and then shows its measured speed", async () => {
    const catalog = await callOk(core, "catalog.list", {});
    expect(catalog.models.map((m) => m.id)).toContain(modelId);

    const before = await callOk(core, "fit.evaluate", { contextSize: 2048, variantIds: [variantId] });
    expect(before.results[0]).toMatchObject({ variantId, speed: { basis: "estimate" } });
    expect(before.results[0]!.reason.length).toBeGreaterThan(10);

    const { download } = await callOk(core, "downloads.start", { source: { modelId, variantId } });
    const finished = await waitForEvent(core, "downloads.progress", (p) => p.id === download.id && (p.state === "done" || p.state === "failed"));
    expect(finished.state, finished.reason ?? "").toBe("done");

    const library = await callOk(core, "library.list", {});
    const entry = library.models.find((m) => m.variantId === variantId);
    expect(entry, JSON.stringify(library)).toBeDefined();

    const loaded = waitForEvent(core, "engine.loaded");
    await callOk(core, "engine.load", { path: entry!.path, contextSize: 2048, threads: 1 });
    await loaded;
    const { jobId } = await callOk(core, "chat.send", { prompt: "What is six times seven?" });
    const done = await waitForEvent(core, "chat.done", (d) => d.jobId === jobId);
    expect(done.answer).toBe(SCRIPT_ANSWER);

    await expect
      .poll(async () => (await callOk(core, "fit.evaluate", { contextSize: 2048, variantIds: [variantId] })).results[0]!.speed.basis, { timeout: 10_000 })
      .toBe("measured");
    const usedAt = (await callOk(core, "library.list", {})).models.find((m) => m.variantId === variantId)?.lastUsedAt;
    expect(usedAt).toBeGreaterThan(0);
  });
});

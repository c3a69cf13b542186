import { stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { writeFile } from "node:fs/promises";
import { createCatalogModule } from "../../electron/core/catalog/module.js";
import { createDownloadsModule } from "../../electron/core/downloads/module.js";
import type { CoreModule } from "../../electron/core/kernel/context.js";
import { Dispatcher, type Handlers } from "../../electron/core/kernel/dispatcher.js";
import { createLibraryModule } from "../../electron/core/library/module.js";
import { createSettingsModule } from "../../electron/core/settings/module.js";
import { moduleContext } from "../support/core/module-context.js";
import { sha256File, tempDir } from "../support/hub/download-helpers.js";
import { SAMPLE, writeSampleRepos } from "../support/hub/sample-repos.js";
import { startHub, type Hub } from "../support/hub/server.js";

let hub: Hub;
const modules: CoreModule[] = [];

beforeAll(async () => {
  const dir = await tempDir("mod-hub-");
  await writeSampleRepos(dir, 2);
  hub = await startHub({ dir });
});
afterAll(() => hub.close());
afterEach(async () => {
  for (const m of modules.splice(0)) await m.close?.();
});

/** The settings, library, catalog and downloads modules over a fresh data dir, wired as the app wires them, behind the real dispatcher. */
async function core(env: Record<string, string | undefined>, extra: { extraCatalogPath?: string } = {}) {
  const dataDir = await tempDir("mod-data-");
  const { ctx, events } = moduleContext(dataDir, env);
  const settings = createSettingsModule(ctx);
  const library = await createLibraryModule(ctx, { modelsDir: () => settings.service.get().modelsDir });
  const catalog = createCatalogModule(ctx, { settings: settings.service, extraCatalogPath: extra.extraCatalogPath });
  const downloads = await createDownloadsModule(ctx, {
    settings: settings.service,
    library: library.service,
    catalog: catalog.service,
    manager: { retry: { baseDelayMs: 5, maxDelayMs: 20 }, progressIntervalMs: 50, freeSpaceMarginBytes: 0 },
  });
  modules.push(downloads, catalog, library, settings);
  const dispatcher = new Dispatcher({ ...settings.handlers, ...library.handlers, ...catalog.handlers, ...downloads.handlers } as Handlers);
  const call = async (name: string, payload: unknown) => {
    const outcome = await dispatcher.dispatch(name, payload);
    if (!outcome.ok) throw Object.assign(new Error(outcome.error.message), { code: outcome.error.code });
    return outcome.value as Record<string, unknown>;
  };
  const until = (id: string, state: string) =>
    new Promise<Record<string, unknown>>((ok) => {
      const check = () => {
        const hit = events.find(
          (e) => e.name === "downloads.progress" && (e.payload as { id: string; state: string }).id === id && (e.payload as { state: string }).state === state,
        );
        if (hit) ok(hit.payload as Record<string, unknown>);
        else setTimeout(check, 20);
      };
      check();
    });
  return { dataDir, events, call, until };
}

describe("downloads module", () => {
  it("downloads an hf: URI from HF_ENDPOINT, reports progress events, and lists it in the library; delete frees the disk", async () => {
    const { call, until, events, dataDir } = await core({ HF_ENDPOINT: hub.url });
    const started = (await call("downloads.start", { source: `hf:${SAMPLE.plain.repo}:Q4_K_M` })) as { jobId: string };
    const done = await until(started.jobId, "done");
    expect(done).toMatchObject({ jobId: started.jobId, fileCount: 1, notes: [] });
    const path = join(dataDir, "models", ...SAMPLE.plain.repo.split("/"), SAMPLE.plain.file);
    expect(done.paths).toEqual([path]);
    expect(await sha256File(path)).toBe((await hub.digests(SAMPLE.plain.repo, SAMPLE.plain.file)).sha256);
    expect(events.some((e) => e.name === "library.changed")).toBe(true);

    const { models } = (await call("library.list", {})) as { models: Array<Record<string, unknown>> };
    expect(models).toHaveLength(1);
    expect(models[0]).toMatchObject({ path, quantization: "Q4_K_M", origin: "download", repo: SAMPLE.plain.repo, missing: false });
    const size = (await stat(path)).size;
    expect(await call("library.delete", { id: models[0]!.id })).toEqual({ removed: true, filesDeleted: true, freedBytes: size });
    await expect(stat(path)).rejects.toThrow();
  });

  it("follows the settings: models folder, hub endpoint and token", async () => {
    const { call, until, dataDir } = await core({});
    const modelsDir = join(dataDir, "elsewhere");
    await call("settings.update", { patch: { modelsDir, hub: { endpoint: hub.url, token: SAMPLE.gated.token } } });
    const { jobId } = (await call("downloads.start", { source: `hf:${SAMPLE.gated.repo}/${SAMPLE.gated.file}` })) as { jobId: string };
    const done = await until(jobId, "done");
    expect((done.paths as string[])[0]).toBe(join(modelsDir, ...SAMPLE.gated.repo.split("/"), SAMPLE.gated.file));
  });

  it("refuses what is not a model address with a clear message", async () => {
    const { call } = await core({ HF_ENDPOINT: hub.url });
    await expect(call("downloads.start", { source: "just some words" })).rejects.toMatchObject({
      code: "bad-request",
      message: expect.stringMatching(/not a model address/),
    });
    await expect(call("downloads.pause", { id: "dl-nope" })).rejects.toThrow(/No download with id/);
  });

  it("downloads a catalog variant through the catalog service, checking its pinned sha256", async () => {
    const published = await hub.digests(SAMPLE.plain.repo, SAMPLE.plain.file);
    const variant = {
      id: "q4",
      quant: "Q4_K_M",
      repo: SAMPLE.plain.repo,
      files: [{ path: SAMPLE.plain.file, sizeBytes: published.size, sha256: published.sha256 }],
    };
    const architecture = {
      type: "dense",
      arch: "qwen2",
      blocks: 1,
      embedding: 64,
      heads: 4,
      kvHeads: 4,
      headDim: 16,
      ffn: 128,
      vocab: 256,
      contextLength: 4096,
    };
    const model = { id: "tiny-r1", name: "Tiny R1", parameters: { total: 1e6, active: 1e6 }, licenses: ["MIT"], architecture, variants: [variant] };
    const extraCatalogPath = join(await tempDir("mod-catalog-"), "extra.json");
    await writeFile(extraCatalogPath, JSON.stringify({ version: 1, models: [model] }));
    const { call, until } = await core({ HF_ENDPOINT: hub.url }, { extraCatalogPath });
    const { jobId, download } = (await call("downloads.start", { source: { modelId: "tiny-r1", variantId: "q4" } })) as {
      jobId: string;
      download: Record<string, unknown>;
    };
    expect(download).toMatchObject({ name: "Tiny R1 Q4_K_M", modelId: "tiny-r1", variantId: "q4" });
    await until(jobId, "done");
    const { models } = (await call("library.list", {})) as { models: Array<Record<string, unknown>> };
    expect(models[0]).toMatchObject({ modelId: "tiny-r1", variantId: "q4", quantization: "Q4_K_M" });
    await expect(call("downloads.start", { source: { modelId: "tiny-r1", variantId: "nope" } })).rejects.toThrow(/no variant "nope"/);
  });
});

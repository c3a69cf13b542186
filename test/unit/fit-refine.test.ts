import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadCatalog, type CatalogEntry } from "../../electron/core/catalog/load-catalog.js";
import { FitService, readModelStructure } from "../../electron/core/fit/fit-service.js";
import { probeHardware } from "../../electron/core/hardware/probe.js";
import { profileFromCustom, profileFromHardware } from "../../electron/core/hardware/presets.js";
import { ensureFixture } from "../fixtures/models.js";
import { writeFixtureCatalog } from "../support/catalog/extra-catalog.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "r1-fit-refine-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A catalog entry for the scripted fixture whose numbers are only a guess (two blocks, not one). */
const guessed: CatalogEntry = {
  id: "scripted-r1",
  name: "Scripted R1",
  description: "",
  parameters: { total: 70080, active: 70080 },
  licenses: ["MIT"],
  benchmarks: {},
  uses: [],
  toolCalls: "untrained",
  source: "test",
  architecture: {
    type: "dense",
    arch: "qwen2",
    blocks: 2,
    embedding: 64,
    heads: 1,
    kvHeads: 1,
    headDim: 64,
    ffn: 64,
    vocab: 322,
    contextLength: 8192,
    tiedEmbeddings: false,
  },
  variants: [
    { id: "scripted-r1.q8_0", quant: "Q8_0", repo: "local/scripted-r1-GGUF", files: [{ path: "scripted-r1.gguf", sizeBytes: 2 * 1e9 }], approximate: true },
  ],
};

describe("refining the estimate from the real file", () => {
  it("uses the downloaded file's header instead of the catalog's numbers, and skips the disk check", async () => {
    const file = await ensureFixture("scripted-r1");
    const noDisk = profileFromCustom({ ramGB: 8, diskFreeGB: 1 });

    const before = new FitService();
    const [guess] = await before.evaluate([guessed], 2048, noDisk);
    expect(guess!.structureFrom).toBe("catalog");
    expect(guess!.verdict).toBe("no-disk");
    expect(guess!.plan.totalLayers).toBe(3);

    let local: string | null = null;
    const service = new FitService({ localFileOf: async () => local });
    await service.evaluate([guessed], 2048, noDisk);
    local = file;
    service.forget("scripted-r1.q8_0");
    const [fromFile] = await service.evaluate([guessed], 2048, noDisk);
    expect(fromFile!.structureFrom).toBe("file");
    expect(fromFile!.verdict).toBe("cpu-only");
    expect(fromFile!.plan.totalLayers).toBe(2);
    expect(fromFile!.memory.weightsBytes).toBe((await readModelStructure(file)).totalBytes);
  });

  it("replaces the speed estimate once a model has run on this machine", async () => {
    const service = new FitService({ measuredSpeedFile: path.join(dir, "speeds.json") });
    const here = profileFromHardware(await probeHardware({ modelsDir: dir }));
    const [estimated] = await service.evaluate([guessed], 2048, here);
    expect(estimated!.speed.basis).toBe("estimate");
    expect(estimated!.speed.note).toMatch(/^Estimate: about .* read per token/);
    await service.recordMeasuredSpeed("scripted-r1.q8_0", 812.345);
    const [measured] = await service.evaluate([guessed], 2048, here);
    expect(measured!.speed).toEqual({ tokensPerSecond: 812.3, basis: "measured", note: "Measured on this computer." });
    // Persisted: a new service (next app start) still knows it, but a planner preset keeps estimating.
    const later = new FitService({ measuredSpeedFile: path.join(dir, "speeds.json") });
    expect((await later.evaluate([guessed], 2048, here))[0]!.speed.basis).toBe("measured");
    expect((await later.evaluate([guessed], 2048, profileFromCustom({ ramGB: 8 })))[0]!.speed.basis).toBe("estimate");
  });
});

describe("an extra catalog entry for a generated model", () => {
  it("describes the fixture so that the catalog's estimate equals the file's", async () => {
    const modelFile = await ensureFixture("scripted-r1");
    const { catalogPath, variantId } = await writeFixtureCatalog(path.join(dir, "extra.json"), {
      modelFile,
      repo: "local/scripted-r1-GGUF",
      fileName: "scripted-r1.gguf",
    });
    expect(variantId).toBe("scripted-r1.f32");
    const { models, problems } = loadCatalog({ extraPaths: [catalogPath] });
    expect(problems).toEqual([]);
    const model = models.find((m) => m.id === "scripted-r1")!;
    const service = new FitService();
    const [fromCatalog] = await service.evaluate([model], 4096, profileFromCustom({ ramGB: 8 }));
    const fromFile = (await readModelStructure(modelFile)).totalBytes;
    // Within the qwen2 attention biases the catalog shape adds (3 × 64 floats).
    expect(Math.abs(fromCatalog!.memory.weightsBytes - fromFile)).toBeLessThanOrEqual(3 * 64 * 4);
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { readGgufFileInfo } from "node-llama-cpp";
import { afterAll, describe, expect, it } from "vitest";
import { loadCatalog } from "../../electron/core/catalog/load-catalog.js";
import { matchFileSize } from "../../electron/core/fit/model-structure.js";
import { structureFromRecipe } from "../../electron/core/fit/recipe-structure.js";
import { writeRecipeHeader } from "../support/catalog/recipe-header.js";

const catalog = loadCatalog({});
const dir = mkdtempSync(path.join(os.tmpdir(), "r1-meta-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const variants = catalog.models.flatMap((model) => model.variants.map((variant) => [variant.id, model, variant] as const));

/** Published files larger than their recipe's mix (185 GB for R1-0528's UD-IQ1_S against 131 GB in January). */
const HEAVIER_THAN_RECIPE = new Set(["deepseek-r1.ud-iq2_xxs", "deepseek-r1-0528.ud-iq1_s", "deepseek-r1-0528.ud-iq2_xxs", "deepseek-r1-0528.ud-q2_k_xl"]);

describe("metadata-only GGUF files of every catalog variant", () => {
  it("covers the whole family", () => {
    expect(catalog.problems).toEqual([]);
    expect(catalog.models.map((m) => m.id)).toEqual([
      "r1-distill-qwen-1.5b",
      "r1-distill-qwen-7b",
      "r1-distill-llama-8b",
      "r1-distill-qwen-14b",
      "r1-distill-qwen-32b",
      "r1-distill-llama-70b",
      "r1-0528-qwen3-8b",
      "deepseek-r1",
      "deepseek-r1-zero",
      "deepseek-r1-0528",
    ]);
    expect(variants.length).toBeGreaterThanOrEqual(35);
  });

  it.each(variants)("%s parses and matches the published parameter count within 3%%", async (_id, model, variant) => {
    const file = await writeRecipeHeader(dir, model.architecture, model.id, variant.quant);
    // node-llama-cpp's own parser reads the header a real file of this recipe carries, and the
    // estimator's structure built from the recipe says the same.
    const info = await readGgufFileInfo(file, { logWarnings: false });
    expect(info.metadata.general.architecture).toBe(model.architecture.arch);
    expect(info.architectureMetadata.block_count).toBe(model.architecture.blocks);
    const s = structureFromRecipe(model.architecture, variant.quant);
    expect(s.arch).toBe(info.metadata.general.architecture);
    expect(s.blocks).toBe(info.architectureMetadata.block_count);
    expect(Math.abs(s.parameters / model.parameters.total - 1)).toBeLessThan(0.03);
    expect(Math.abs(s.activeParameters / model.parameters.active - 1)).toBeLessThan(0.03);
    // The tensor table adds up to the catalog's download size (both describe the same file), except
    // where unsloth's mix keeps more bits than the recipe of that name: there the estimator scales
    // the blocks to the published size (matchFileSize).
    const download = variant.files.reduce((a, f) => a + f.sizeBytes, 0);
    const gap = s.totalBytes / download - 1;
    if (HEAVIER_THAN_RECIPE.has(variant.id)) {
      expect(gap).toBeLessThan(-0.03);
      expect(matchFileSize(s, download).totalBytes).toBe(download);
    } else expect(Math.abs(gap)).toBeLessThan(0.03);
  });
});

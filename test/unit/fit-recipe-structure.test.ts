import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadCatalog } from "../../electron/core/catalog/load-catalog.js";
import { readModelStructure } from "../../electron/core/fit/fit-service.js";
import { structureFromRecipe } from "../../electron/core/fit/recipe-structure.js";
import { writeRecipeHeader } from "../support/catalog/recipe-header.js";

// The estimate for a model known only from the catalog is built from its recipe; once downloaded,
// from the file's header. For the two to agree, the recipe's structure must be the one the product
// reads from a header describing that same recipe, for every architecture and recipe in the catalog.

const catalog = loadCatalog({});
const dir = mkdtempSync(path.join(os.tmpdir(), "r1-recipe-structure-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const variants = catalog.models.flatMap((model) => model.variants.map((variant) => [variant.id, model, variant] as const));

describe("a catalog variant's structure from its recipe", () => {
  it("covers every architecture the catalog uses", () => {
    expect(catalog.problems).toEqual([]);
    const kind = (a: (typeof catalog.models)[number]["architecture"]) => (a.type === "dense" ? a.arch : `${a.arch}/${a.attentionCache}`);
    const covered = new Set(variants.map(([, model]) => kind(model.architecture)));
    expect(covered).toEqual(new Set(catalog.models.map((model) => kind(model.architecture))));
    // Dense qwen2, llama and qwen3, and deepseek2 with either attention cache.
    expect(covered.size).toBeGreaterThanOrEqual(5);
  });

  it.each(variants)("%s equals the structure read from its header", async (_id, model, variant) => {
    const file = await writeRecipeHeader(dir, model.architecture, model.id, variant.quant);
    const fromHeader = await readModelStructure(file);
    expect(structureFromRecipe(model.architecture, variant.quant)).toEqual(fromHeader);
  });
});

// Fit estimate of every catalog variant for one machine, as the model picker asks each time the
// context slider moves. App: the fit service as the core keeps it (each variant's structure built
// once, then pure arithmetic). Reference: the same arithmetic over structures parsed from a header
// per variant written from its recipe (the core's GGUF reader; the round trip older versions took).
// Budget: app < 200 ms. Also reported: a fresh service building every structure from its recipe
// (the first look at the picker after a restart, cold_start_ms) and the very first evaluation.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadCatalog, type LoadedCatalog } from "../../../electron/core/catalog/load-catalog.js";
import { FitService, readModelStructure } from "../../../electron/core/fit/fit-service.js";
import { planFit } from "../../../electron/core/fit/plan.js";
import { presetById } from "../../../electron/core/hardware/presets.js";
import type { MachineProfile } from "../../../electron/shared/contract/catalog.js";
import { writeRecipeHeader } from "../../support/catalog/recipe-header.js";
import { defineBenchmark } from "../harness.js";

interface State {
  root: string;
  catalog: LoadedCatalog;
  machine: MachineProfile;
  warm: FitService;
  variants: number;
  generateAllMs: number;
}

const CONTEXTS = [2048, 4096, 8192, 16384, 32768, 65536, 131072];

export default defineBenchmark<State>({
  name: "fit-all",
  metric: "estimate every catalog variant for one machine",
  unit: "ms",
  higherIsBetter: false,
  warmup: 1,
  repetitions: 7,
  secondaryUnits: { cold_start_ms: "ms" },
  async setup() {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "r1-bench-fit-"));
    const catalog = loadCatalog({});
    const machine = presetById("gpu-24gb")!.machine;
    const warm = new FitService();
    const started = performance.now();
    await warm.evaluate(catalog.models, 4096, machine);
    const generateAllMs = performance.now() - started;
    for (const model of catalog.models) {
      for (const variant of model.variants) await writeRecipeHeader(root, model.architecture, model.id, variant.quant);
    }
    const variants = catalog.models.reduce((n, m) => n + m.variants.length, 0);
    return { root, catalog, machine, warm, variants, generateAllMs };
  },
  async app(state, round) {
    const context = CONTEXTS[Math.max(0, round) % CONTEXTS.length]!;
    const started = performance.now();
    const results = await state.warm.evaluate(state.catalog.models, context, state.machine);
    const ms = performance.now() - started;
    if (results.length !== state.variants) throw new Error("missing results");
    const fresh = new FitService();
    const coldStarted = performance.now();
    await fresh.evaluate(state.catalog.models, context, state.machine);
    return { value: ms, secondary: { cold_start_ms: performance.now() - coldStarted } };
  },
  async reference(state, round) {
    const context = CONTEXTS[Math.max(0, round) % CONTEXTS.length]!;
    const files = fs.readdirSync(state.root).filter((f) => f.endsWith(".gguf"));
    const started = performance.now();
    for (const file of files) {
      const structure = await readModelStructure(path.join(state.root, file));
      planFit(structure, { contextSize: context, machine: state.machine, downloadBytes: structure.totalBytes, downloaded: false });
    }
    if (files.length !== state.variants) throw new Error("missing recipe headers");
    return performance.now() - started;
  },
  teardown(state) {
    fs.rmSync(state.root, { recursive: true, force: true });
  },
  extra(state) {
    return {
      variants: state.variants,
      machine_preset: state.machine.id,
      reference_is: "every variant's recipe header parsed again with the core's GGUF reader, then the same arithmetic",
      generate_all_ms: Math.round(state.generateAllMs),
      budget_ms: 200,
    };
  },
});

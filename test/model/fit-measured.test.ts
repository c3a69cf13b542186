import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { getLlama, GgufInsights, LlamaLogLevel, readGgufFileInfo, type Llama } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Architecture } from "../../electron/core/catalog/catalog-schema.js";
import { deviceTotal, estimateMemory } from "../../electron/core/fit/estimate.js";
import { readModelStructure } from "../../electron/core/fit/fit-service.js";
import type { ModelStructure } from "../../electron/core/fit/model-structure.js";
import { structureFromRecipe } from "../../electron/core/fit/recipe-structure.js";
import type { KvCacheLayout, KvCacheType } from "../../electron/shared/kv-cache.js";
import { ensureFixture } from "../fixtures/models.js";
import { TINY_MLA, TINY_PER_HEAD, writeTinyMlaModel } from "../support/catalog/tiny-mla-model.js";

/**
 * The estimate against what llama.cpp allocates when the model is really loaded with that context
 * (its own report of the model, KV cache and compute buffers), on the CPU. The estimate must be
 * within 15 %. Figures are printed for the record, with node-llama-cpp's GgufInsights V2 beside them.
 */

let llama: Llama;
const dir = mkdtempSync(path.join(os.tmpdir(), "r1-fit-measured-"));
const rows: string[] = [];

beforeAll(async () => {
  llama = await getLlama({ build: "never", gpu: false, logLevel: LlamaLogLevel.error });
});
afterAll(async () => {
  console.log(["file | context | estimate | measured | ratio | GgufInsights V2", ...rows].join("\n"));
  rmSync(dir, { recursive: true, force: true });
});

/** The bench fixture's shape as a catalog entry would describe it. */
const BENCH_ARCH: Architecture = {
  type: "dense",
  arch: "qwen2",
  blocks: 12,
  embedding: 768,
  heads: 12,
  kvHeads: 2,
  headDim: 64,
  ffn: 2048,
  vocab: 32768,
  contextLength: 4096,
  tiedEmbeddings: false,
};

/** A known llama.cpp abort: its AMX buffer type takes an MoE tensor no backend can then run. */
const AMX_MOE_ABORT = "GGML_ASSERT(*cur_backend_id != -1)";

/** llama.cpp's own accounting after a real load, in a child process (some shapes abort llama.cpp). */
function measure(file: string, contextSize: number, cache?: KvCacheLayout): { bytes: number } | { aborted: string } {
  const script = path.join(import.meta.dirname, "../support/catalog/measure-llama-memory.mjs");
  const cacheArgs = cache ? [cache.keyType.toUpperCase(), cache.valueType.toUpperCase(), String(cache.flashAttention)] : [];
  const run = spawnSync(process.execPath, [script, file, String(contextSize), ...cacheArgs], { encoding: "utf8", timeout: 120_000 });
  if (run.status === 0) return { bytes: (JSON.parse(run.stdout.trim().split("\n").at(-1)!) as { cpuRamBytes: number }).cpuRamBytes };
  const stderr = run.stderr ?? "";
  if (run.signal === "SIGABRT" && stderr.includes(AMX_MOE_ABORT)) return { aborted: stderr.trim().split("\n").at(-1)! };
  throw new Error(`Measuring ${file} failed (${run.signal ?? `exit ${run.status}`}): ${stderr.slice(-2000)}`);
}

async function insightsV2(file: string, contextSize: number): Promise<number> {
  const insights = await GgufInsights.from(await readGgufFileInfo(file, { logWarnings: false }), llama);
  const m = await insights.estimateModelResourceRequirementsV2({ gpuLayers: 0, useMmap: false });
  const c = await insights.estimateContextResourceRequirementsV2({ contextSize, modelGpuLayers: 0 });
  return m.cpuRam + c.cpuRam;
}

const CASES: { name: string; file: () => Promise<string>; fromCatalog?: () => ModelStructure; contexts: number[]; kvCacheType?: KvCacheType }[] = [
  { name: "scripted-r1", file: () => ensureFixture("scripted-r1"), contexts: [2048, 8192] },
  { name: "bench-q8_0", file: () => ensureFixture("bench-q8_0"), contexts: [512, 4096] },
  { name: "bench-f16", file: () => ensureFixture("bench-f16"), contexts: [4096] },
  {
    // The catalog path: the estimate from the shape and quantization recipe alone.
    name: "bench-q8_0 (from catalog numbers)",
    file: () => ensureFixture("bench-q8_0"),
    fromCatalog: () => structureFromRecipe(BENCH_ARCH, "Q8_0"),
    contexts: [4096],
  },
  // Quantized caches with flash attention, as room to reason loads them.
  { name: "bench-q8_0, q8_0 cache", file: () => ensureFixture("bench-q8_0"), contexts: [4096], kvCacheType: "q8_0" },
  { name: "bench-q8_0, q4_0 cache", file: () => ensureFixture("bench-q8_0"), contexts: [4096], kvCacheType: "q4_0" },
  { name: "bench-f16, q8_0 cache", file: () => ensureFixture("bench-f16"), contexts: [4096], kvCacheType: "q8_0" },
  { name: "scripted-r1, q4_0 cache", file: () => ensureFixture("scripted-r1"), contexts: [8192], kvCacheType: "q4_0" },
  { name: "tiny deepseek2 (MLA + experts)", file: () => writeTinyMlaModel(path.join(dir, "mla")), contexts: [512, 4096] },
  { name: "tiny deepseek2, q8_0 cache", file: () => writeTinyMlaModel(path.join(dir, "mla")), contexts: [4096], kvCacheType: "q8_0" },
  {
    // The January R1 layout: every head's K and V cached (q8_0 K, F16 V, no flash attention).
    name: "tiny deepseek2, older per-head cache",
    file: () => writeTinyMlaModel(path.join(dir, "per-head"), TINY_PER_HEAD),
    contexts: [4096],
  },
  {
    name: "tiny deepseek2, older per-head cache, q8_0 K",
    file: () => writeTinyMlaModel(path.join(dir, "per-head"), TINY_PER_HEAD),
    contexts: [4096],
    kvCacheType: "q8_0",
  },
  {
    name: "tiny deepseek2 (from catalog numbers)",
    file: () => writeTinyMlaModel(path.join(dir, "mla")),
    fromCatalog: () => structureFromRecipe(TINY_MLA, "F16"),
    contexts: [4096],
  },
];

describe("memory estimate against llama.cpp after loading", () => {
  for (const c of CASES) {
    for (const contextSize of c.contexts) {
      it(`${c.name} at context ${contextSize}: within 15 %`, async (test) => {
        const file = await c.file();
        const structure = c.fromCatalog ? c.fromCatalog() : await readModelStructure(file);
        const estimated = estimateMemory(structure, { contextSize, gpuLayers: 0, kvCacheType: c.kvCacheType });
        const estimate = deviceTotal(estimated.cpu);
        const measurement = measure(file, contextSize, c.kvCacheType ? estimated.kvCache : undefined);
        if ("aborted" in measurement) {
          // The prebuilt CPU binary on a CPU with AMX: llama.cpp cannot load this shape here at all.
          rows.push(`${c.name} | ${contextSize} | ${estimate} | llama.cpp aborted: ${measurement.aborted}`);
          test.skip(`llama.cpp aborts loading this MoE shape on this CPU (AMX): ${measurement.aborted}`);
          return;
        }
        const measured = measurement.bytes;
        const reference = c.kvCacheType ? NaN : await insightsV2(file, contextSize).catch(() => NaN);
        const ratio = estimate / measured;
        rows.push(`${c.name} | ${contextSize} | ${estimate} | ${measured} | ${ratio.toFixed(4)} | ${reference} (${(reference / measured).toFixed(3)})`);
        expect(Math.abs(ratio - 1)).toBeLessThan(0.15);
      });
    }
  }
});

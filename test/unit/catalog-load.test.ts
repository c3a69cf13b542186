import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refreshFromHub } from "../../electron/core/catalog/hub-refresh.js";
import { loadCatalog } from "../../electron/core/catalog/load-catalog.js";
import { startHub, type Hub } from "../support/hub/server.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "r1-catalog-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tinyEntry = (id: string, repo = "local/scripted-r1-GGUF", file = "scripted-r1.gguf", sizeBytes = 1000) => ({
  version: 1,
  models: [
    {
      id,
      name: "Scripted R1 (test)",
      parameters: { total: 70080, active: 70080 },
      licenses: ["MIT"],
      uses: ["edge"],
      architecture: { type: "dense", arch: "qwen2", blocks: 1, embedding: 64, heads: 1, kvHeads: 1, headDim: 64, ffn: 64, vocab: 322, contextLength: 8192 },
      variants: [{ id: `${id}.q8_0`, quant: "Q8_0", repo, files: [{ path: file, sizeBytes }], approximate: true }],
    },
  ],
});

describe("catalog loading", () => {
  it("loads the built-in catalog with licenses, figures and uses", () => {
    const { models, problems } = loadCatalog({});
    expect(problems).toEqual([]);
    const q32 = models.find((m) => m.id === "r1-distill-qwen-32b")!;
    expect(q32.licenses).toEqual(["MIT", "Apache-2.0"]);
    expect(q32.benchmarks).toEqual({ aime2024: 72.6, math500: 94.3, gpqaDiamond: 62.1, liveCodeBench: 57.2, codeforces: 1691 });
    expect(models.find((m) => m.id === "r1-distill-llama-70b")!.licenses).toContain("Llama 3.3 Community License");
    const r1 = models.find((m) => m.id === "deepseek-r1")!;
    expect(r1.parameters).toEqual({ total: 671e9, active: 37e9 });
    const q4 = r1.variants.find((v) => v.quant === "Q4_K_M")!;
    expect(q4.files.map((f) => f.path.replace(/.*-(\d{5}-of-\d{5})\.gguf$/, "$1"))).toEqual(Array.from({ length: 9 }, (_, i) => `0000${i + 1}-of-00009`));
  });

  it("says which models were trained for tool calls: R1-0528 and its Qwen3-8B distill, not the original distills or R1", () => {
    const { models } = loadCatalog({});
    const trained = models.filter((m) => m.toolCalls === "trained").map((m) => m.id);
    expect(trained.sort()).toEqual(["deepseek-r1-0528", "r1-0528-qwen3-8b"]);
    expect(models.find((m) => m.id === "r1-distill-qwen-7b")!.toolCalls).toBe("untrained");
  });

  it("lists the R1-0528 files as published, labels each benchmark with its table, and has R1-Zero with its warning", () => {
    const { models } = loadCatalog({});
    const byId = (id: string) => models.find((m) => m.id === id)!;
    const files = (variantId: string) => models.flatMap((m) => m.variants).find((v) => v.id === variantId)!.files;
    const gb = (variantId: string) => files(variantId).reduce((a, f) => a + f.sizeBytes, 0) / 1e9;
    expect(files("deepseek-r1-0528.ud-iq1_s").map((f) => f.path)).toEqual([1, 2, 3, 4].map((n) => `UD-IQ1_S/DeepSeek-R1-0528-UD-IQ1_S-0000${n}-of-00004.gguf`));
    expect(files("deepseek-r1-0528.ud-iq2_xxs").map((f) => f.path)).toEqual(
      [1, 2, 3, 4, 5].map((n) => `UD-IQ2_XXS/DeepSeek-R1-0528-UD-IQ2_XXS-0000${n}-of-00005.gguf`),
    );
    expect([gb("deepseek-r1-0528.ud-iq1_s"), gb("deepseek-r1-0528.ud-iq2_xxs"), gb("deepseek-r1-0528.ud-q2_k_xl"), gb("deepseek-r1.ud-iq2_xxs")]).toEqual([
      185, 216, 251, 197.5,
    ]);
    expect(files("deepseek-r1-0528.q4_k_m")).toHaveLength(9);
    // Codeforces: R1's 2029 is the overall rating; the 0528 table compares Div1 ratings (1530 → 1930).
    expect(byId("deepseek-r1").benchmarks).toMatchObject({ codeforces: 2029, codeforcesDiv1: 1530, liveCodeBench: 65.9, liveCodeBench2505: 63.5 });
    expect(byId("deepseek-r1-0528").benchmarks).toEqual({ aime2024: 91.4, gpqaDiamond: 81, liveCodeBench2505: 73.3, codeforcesDiv1: 1930 });
    expect(byId("r1-0528-qwen3-8b").baseModel).toBe("Qwen3-8B-Base");
    const zero = byId("deepseek-r1-zero");
    expect(zero.benchmarks).toEqual({ aime2024: 71, aime2024Cons64: 86.7, math500: 95.9, gpqaDiamond: 73.3, liveCodeBench: 50, codeforces: 1444 });
    expect(zero.warning).toMatch(/poor readability and language mixing/);
    expect(zero.variants.every((v) => v.repo === "unsloth/DeepSeek-R1-Zero-GGUF")).toBe(true);
    expect(zero.architecture).toEqual(byId("deepseek-r1").architecture);
  });

  it("lists R1-Zero's own quants and the January R1 sizes the hub publishes, each with its source", () => {
    const { models } = loadCatalog({});
    const byId = (id: string) => models.find((m) => m.id === id)!;
    const variant = (id: string) => models.flatMap((m) => m.variants).find((v) => v.id === id)!;
    const gb = (id: string) => variant(id).files.reduce((a, f) => a + f.sizeBytes, 0) / 1e9;
    // huggingface.co/unsloth/DeepSeek-R1-GGUF: the folders' totals.
    expect(gb("deepseek-r1.ud-q2_k_xl")).toBeCloseTo(226.6, 1);
    expect(gb("deepseek-r1.ud-iq1_m")).toBeCloseTo(168.9, 1);
    // unsloth/DeepSeek-R1-Zero-GGUF has Q2_K_XS, Q2_K_L, Q3_K_M, Q4_K_M and Q8_0: no dynamic (UD) quant.
    const zero = byId("deepseek-r1-zero");
    expect(zero.variants.filter((v) => v.quant.startsWith("UD-"))).toEqual([]);
    expect(zero.description).not.toMatch(/files layout as R1/);
    // Its Q4_K_M parts are its own (45.2 GB, 46.0 GB, …), not R1's (48.3 GB, 49.4 GB, …).
    const zeroParts = variant("deepseek-r1-zero.q4_k_m").files.map((f) => f.sizeBytes);
    const r1Parts = variant("deepseek-r1.q4_k_m").files.map((f) => f.sizeBytes);
    expect(zeroParts.slice(0, 6).map((b) => b / 1e9)).toEqual([45.2, 46, 45.2, 45.2, 45.1, 46.1]);
    expect(zeroParts).not.toEqual(r1Parts);
    for (const id of ["deepseek-r1.ud-q2_k_xl", "deepseek-r1.ud-iq1_m", "deepseek-r1-zero.q4_k_m"])
      expect(variant(id).source).toMatch(/^huggingface\.co\/unsloth\//);
  });

  it("adds an extra catalog file's models", () => {
    const extra = path.join(dir, "extra.json");
    writeFileSync(extra, JSON.stringify(tinyEntry("scripted-r1")));
    const { models, problems } = loadCatalog({ extraPaths: [extra] });
    expect(problems).toEqual([]);
    const added = models.find((m) => m.id === "scripted-r1")!;
    expect(added.source).toBe(extra);
    expect(added.variants[0]!.quant).toBe("Q8_0");
  });

  it("reports a broken extra file plainly and still loads the rest", () => {
    const broken = path.join(dir, "broken.json");
    writeFileSync(broken, JSON.stringify({ version: 1, models: [{ id: "x", name: "x" }] }));
    const notJson = path.join(dir, "not-json.json");
    writeFileSync(notJson, "{ nope");
    const { models, problems } = loadCatalog({ extraPaths: [broken, notJson, path.join(dir, "missing.json")] });
    expect(models.length).toBe(10);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/broken\.json does not match the catalog format: models\.0\.\w+/);
    expect(problems[1]).toMatch(/not-json\.json is not readable JSON/);
  });

  it("refuses an extra entry that reuses a built-in id or a path that leaves the repository", () => {
    const clash = path.join(dir, "clash.json");
    writeFileSync(clash, JSON.stringify(tinyEntry("r1-distill-qwen-7b")));
    expect(loadCatalog({ extraPaths: [clash] }).problems[0]).toMatch(/"r1-distill-qwen-7b" is already in the catalog/);
    const escape = path.join(dir, "escape.json");
    writeFileSync(escape, JSON.stringify(tinyEntry("evil", "local/evil", "../../etc/passwd.gguf")));
    expect(loadCatalog({ extraPaths: [escape] }).problems[0]).toMatch(/a file path inside the repository/);
  });
});

describe("refreshing sizes from the hub's tree API", () => {
  let hub: Hub;
  const hubDir = path.join(dir, "hub");
  const bytes = Buffer.alloc(12 * 1024 * 1024, 7); // big enough to be an LFS file
  beforeAll(async () => {
    mkdirSync(path.join(hubDir, "local/scripted-r1-GGUF/sub"), { recursive: true });
    writeFileSync(path.join(hubDir, "local/scripted-r1-GGUF/scripted-r1.gguf"), bytes);
    writeFileSync(path.join(hubDir, "local/scripted-r1-GGUF/sub/part-00001-of-00002.gguf"), bytes.subarray(0, 1000));
    hub = await startHub({ dir: hubDir });
  });
  afterAll(() => hub.close());

  it("replaces approximate sizes with the hub's size and sha256, and says what it could not find", async () => {
    const extra = path.join(dir, "hubbed.json");
    const doc = tinyEntry("scripted-r1");
    doc.models.push({ ...tinyEntry("nested", "local/scripted-r1-GGUF", "sub/part-00001-of-00002.gguf").models[0]! });
    doc.models.push({ ...tinyEntry("gone", "local/no-such-repo").models[0]! });
    writeFileSync(extra, JSON.stringify(doc));
    const before = loadCatalog({ extraPaths: [extra] });
    const extraModels = before.models.filter((m) => m.source === extra);
    const { facts, failures } = await refreshFromHub(extraModels, { endpoint: hub.url });
    expect(facts["scripted-r1.q8_0"]!.files).toEqual([
      { path: "scripted-r1.gguf", sizeBytes: bytes.length, sha256: (await hub.digests("local/scripted-r1-GGUF", "scripted-r1.gguf")).sha256 },
    ]);
    expect(facts["nested.q8_0"]!.files[0]!.sizeBytes).toBe(1000);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/^gone\.q8_0: .*404/);

    const after = loadCatalog({ extraPaths: [extra], hubFacts: facts });
    const refreshed = after.models.find((m) => m.id === "scripted-r1")!.variants[0]!;
    expect(refreshed.approximate).toBe(false);
    expect(refreshed.files[0]!.sizeBytes).toBe(bytes.length);
  });
});

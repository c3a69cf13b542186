// "Run on a server": the plans the picker shows for the 671B and R1-Zero, from the real catalog.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CatalogService } from "../../electron/core/catalog/module.js";
import { createCatalogModule } from "../../electron/core/catalog/module.js";
import { createRemoteModule } from "../../electron/core/remote/module.js";
import { gpusNeeded } from "../../electron/core/remote/server-plans.js";
import { createSettingsModule } from "../../electron/core/settings/module.js";
import type { ServerRecipe } from "../../electron/shared/contract/remote.js";
import { moduleContext } from "../support/core/module-context.js";

let dataDir: string;
let plans: (modelId: string) => Promise<ServerRecipe[]>;
let catalog: CatalogService;
let close: () => Promise<void>;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "r1-plans-"));
  const { ctx } = moduleContext(dataDir);
  const settings = createSettingsModule(ctx);
  // R1-Zero as a catalog entry may describe it (same 671B shape as R1): the planner keys on the family, not on an id.
  const builtin = JSON.parse(await readFile(path.join(import.meta.dirname, "../../resources/catalog/catalog.json"), "utf8")) as {
    models: Array<Record<string, unknown>>;
  };
  const r1 = builtin.models.find((m) => m.id === "deepseek-r1") as { variants: Array<Record<string, unknown>> } & Record<string, unknown>;
  const zero = {
    ...r1,
    id: "deepseek-r1-zero-test",
    name: "DeepSeek-R1-Zero (671B)",
    variants: r1.variants.map((v) => ({ ...v, id: `zero.${String(v.id)}` })),
  };
  const extraCatalogPath = path.join(dataDir, "extra-catalog.json");
  await writeFile(extraCatalogPath, JSON.stringify({ version: 1, models: [zero] }));
  catalog = createCatalogModule(ctx, { settings: settings.service, extraCatalogPath }).service;
  const remote = createRemoteModule(ctx, { catalog });
  close = () => remote.close!();
  plans = async (modelId) => ((await remote.handlers["remote.plans"]!({ modelId })) as { recipes: ServerRecipe[] }).recipes;
});
afterAll(async () => {
  await close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("server plans for the 671B", () => {
  it("FP8 (about 700 GB) needs more than one node of 8 × 80 GB, and fits one node of 8 × H200", async () => {
    const fp8 = (await plans("deepseek-r1")).filter((r) => r.precision === "FP8");
    const on80 = fp8.filter((r) => r.gpuMemoryGb === 80);
    expect(on80.length).toBe(2);
    for (const recipe of on80) {
      expect(recipe.weightsBytes).toBeGreaterThan(650e9);
      expect(recipe.nodes).toBeGreaterThan(1);
      expect(recipe.gpus).toBe(16);
    }
    expect(on80.find((r) => r.engine === "vllm")?.commands.join("\n")).toMatch(
      /--tensor-parallel-size 8 --pipeline-parallel-size 2 .*--reasoning-parser deepseek_r1/,
    );
    const sglang = on80.find((r) => r.engine === "sglang")!;
    expect(sglang.commands.filter((c) => c.startsWith("# node"))).toHaveLength(2);
    expect(sglang.commands[1]).toMatch(/--tp 16 .*--reasoning-parser deepseek-r1 .*--nnodes 2 --node-rank 1/);
    expect(fp8.filter((r) => r.gpuMemoryGb === 141).every((r) => r.nodes === 1 && r.gpus === 8)).toBe(true);
  });

  it("UD-IQ1_S fits one node of 8 × 80 GB, served by llama-server", async () => {
    const recipes = (await plans("deepseek-r1")).filter((r) => r.precision === "UD-IQ1_S");
    const onGpus = recipes.find((r) => r.gpus > 1)!;
    expect(onGpus.nodes).toBe(1);
    expect(onGpus.gpus).toBeLessThanOrEqual(8);
    expect(onGpus.gpuMemoryGb).toBe(80);
    expect(onGpus.commands[0]).toMatch(/^llama-server -m DeepSeek-R1-UD-IQ1_S-00001-of-00003\.gguf .*--reasoning-format deepseek/);
  });

  it("a big-RAM box with one GPU keeps the experts in RAM", async () => {
    const inRam = (await plans("deepseek-r1")).filter((r) => r.ramBytes > 0);
    expect(inRam.length).toBeGreaterThan(0);
    for (const recipe of inRam) {
      expect(recipe.gpus).toBe(1);
      expect(recipe.ramBytes).toBeGreaterThan(recipe.weightsBytes);
      expect(recipe.commands[0]).toContain('-ot ".ffn_.*_exps.=CPU"');
    }
  });

  it("llama-server recipes count the GGUF files' own KV cache: 38 GiB at 8K for the January R1 layout, under 1 GiB for R1-0528's", async () => {
    const firstInRam = async (id: string) => (await plans(id)).find((r) => r.engine === "llama-server" && r.ramBytes > 0)!;
    const january = await firstInRam("deepseek-r1");
    const may = await firstInRam("deepseek-r1-0528");
    expect(january.note).toMatch(/The 8K KV cache takes 3[78]\.\d GiB on the GPUs/);
    expect(may.note).toMatch(/The 8K KV cache takes \d+\.\d MiB on the GPUs/);
    // The per-head cache does not fit beside the attention weights on a 16 GB card.
    expect(january.gpuMemoryGb).toBeGreaterThanOrEqual(48);
    expect(may.gpuMemoryGb).toBeLessThan(january.gpuMemoryGb);
  });

  it("every recipe comes with its command; DeepSeek's API is offered for R1", async () => {
    const recipes = await plans("deepseek-r1");
    for (const recipe of recipes) expect(recipe.commands.join("").length).toBeGreaterThan(20);
    expect(recipes.find((r) => r.engine === "deepseek-api")?.commands.join("\n")).toContain("deepseek-reasoner");
  });

  it("the DeepSeek API entry says it serves V3.2, not R1, and that R1 is reached through any OpenAI-compatible provider", async () => {
    const api = (await plans("deepseek-r1-0528")).find((r) => r.engine === "deepseek-api")!;
    expect(api.precision).toMatch(/^Not R1/);
    expect(api.note).toMatch(/no longer serves R1.*V3\.1, then V3\.2/);
    expect(api.commands[0]).toMatch(/^R1 itself: any provider that still serves DeepSeek-R1 over an OpenAI-compatible API/);
    expect(api.apiKey).toBeNull();
  });

  it("no recipe runs the repository's code or listens on every interface: each starts the server on 127.0.0.1 with a key and gives the ssh -L line", async () => {
    for (const id of ["deepseek-r1", "deepseek-r1-0528", "deepseek-r1-zero"]) {
      for (const recipe of (await plans(id)).filter((r) => r.engine !== "deepseek-api")) {
        const text = recipe.commands.join("\n");
        expect(text).not.toContain("--trust-remote-code");
        const port = /--port (\d+) --api-key/.exec(text)![1];
        for (const listen of text.match(/--host \S+/g)!) expect(listen).toBe("--host 127.0.0.1");
        expect(text).not.toContain("0.0.0.0");
        expect(text).toContain(`--api-key ${recipe.apiKey}`);
        expect(recipe.commands.at(-1)).toMatch(
          new RegExp(`^# on this computer.*Base URL http://127\\.0\\.0\\.1:${port}/v1\\):\\nssh -N -L ${port}:127\\.0\\.0\\.1:${port} `),
        );
      }
    }
  });

  it("each showing of the plans gets its own key, the same in every recipe of that showing", async () => {
    const first = (await plans("deepseek-r1")).filter((r) => r.apiKey);
    const second = (await plans("deepseek-r1")).filter((r) => r.apiKey);
    expect(new Set(first.map((r) => r.apiKey)).size).toBe(1);
    expect(first[0]!.apiKey).toMatch(/^sk-r1-[0-9a-f]{32}$/);
    expect(second[0]!.apiKey).not.toBe(first[0]!.apiKey);
  });

  it("FP8 on 80 GB cards names the H100 only: SGLang serves R1 on A100 as BF16, INT8 or AWQ, not FP8", async () => {
    const fp8 = (await plans("deepseek-r1")).filter((r) => r.precision === "FP8");
    for (const recipe of fp8) expect(recipe.hardware).not.toMatch(/A100/);
    expect(fp8.filter((r) => r.gpuMemoryGb === 80).every((r) => r.hardware.includes("H100 80 GB"))).toBe(true);
  });

  it("with the experts in RAM, about 11 GB of Q4_K_M's weights stay on the GPU, not a fixed share of the file", async () => {
    const q4 = (await plans("deepseek-r1-0528")).find((r) => r.precision === "Q4_K_M" && r.ramBytes > 0)!;
    const onGpu = Number(/about (\d+\.\d) GiB of weights there/.exec(q4.note)![1]) * 2 ** 30;
    expect(onGpu).toBeGreaterThan(10e9);
    expect(onGpu).toBeLessThan(12e9);
    // 11 GB of weights, R1-0528's small cache and the runtime fit a 24 GB card (a 6 % share made it 32 GB).
    expect(q4.gpuMemoryGb).toBe(24);
  });

  it("R1-Zero gets the same hardware plans with its own weights, and no DeepSeek API (it does not serve R1-Zero)", async () => {
    const recipes = await plans("deepseek-r1-zero-test");
    expect(recipes.find((r) => r.engine === "vllm")?.commands.join("\n")).toContain("vllm serve deepseek-ai/DeepSeek-R1-Zero ");
    expect(recipes.some((r) => r.engine === "deepseek-api")).toBe(false);
    expect(recipes.filter((r) => r.precision === "FP8" && r.gpuMemoryGb === 80).every((r) => r.nodes === 2)).toBe(true);
    // The built-in R1-Zero entry too.
    const builtIn = await plans("deepseek-r1-zero");
    expect(builtIn.find((r) => r.engine === "sglang")?.commands.join("\n")).toContain("--model-path deepseek-ai/DeepSeek-R1-Zero ");
    expect(builtIn.some((r) => r.engine === "deepseek-api")).toBe(false);
  });

  it("a model this machine runs locally gets no server plan", async () => {
    const small = catalog.models().find((m) => m.parameters.total < 10e9)!;
    expect(await plans(small.id)).toEqual([]);
  });

  it("more weights never need fewer GPUs", () => {
    let last = 0;
    for (let gb = 10; gb < 2000; gb += 37) {
      const { gpus } = gpusNeeded(gb * 1e9, 80);
      expect(gpus).toBeGreaterThanOrEqual(last);
      last = gpus;
    }
  });
});

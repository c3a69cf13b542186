import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppCore } from "../../electron/core/composition/app-core.js";
import type { CallName, CallRequest, CallResponse } from "../../electron/shared/contract/index.js";
import { createTempCore } from "../support/core/temp-core.js";
import { startHub, type Hub } from "../support/hub/server.js";

let core: AppCore;
let dataDir: string;
let dispose: () => Promise<void>;
let extraDir: string;
let hub: Hub;
const events: string[] = [];

async function call<K extends CallName>(name: K, payload: CallRequest<K>): Promise<CallResponse<K>> {
  const outcome = await core.dispatch(name, payload);
  if (!outcome.ok) throw new Error(`${name}: ${outcome.error.message}`);
  return outcome.value as CallResponse<K>;
}

beforeAll(async () => {
  extraDir = mkdtempSync(path.join(os.tmpdir(), "r1-extra-"));
  const extra = path.join(extraDir, "extra-catalog.json");
  writeFileSync(
    extra,
    JSON.stringify({
      version: 1,
      models: [
        {
          id: "scripted-r1",
          name: "Scripted R1",
          parameters: { total: 70080, active: 70080 },
          licenses: ["MIT"],
          architecture: { type: "dense", arch: "qwen2", blocks: 1, embedding: 64, heads: 1, kvHeads: 1, headDim: 64, ffn: 64, vocab: 322, contextLength: 8192 },
          variants: [{ id: "scripted-r1.q8_0", quant: "Q8_0", repo: "local/scripted-r1-GGUF", files: [{ path: "scripted-r1.gguf", sizeBytes: 300000 }] }],
        },
      ],
    }),
  );
  const repoDir = path.join(extraDir, "hub", "local", "scripted-r1-GGUF");
  mkdirSync(repoDir, { recursive: true });
  writeFileSync(path.join(repoDir, "scripted-r1.gguf"), Buffer.alloc(280_448, 1));
  hub = await startHub({ dir: path.join(extraDir, "hub") });
  ({ core, dataDir, dispose } = await createTempCore({ R1_EXTRA_CATALOG: extra, HF_ENDPOINT: hub.url }));
  core.subscribe((name) => events.push(name));
});
afterAll(async () => {
  await dispose();
  await hub.close();
  rmSync(extraDir, { recursive: true, force: true });
});

describe("catalog, hardware and fit calls through the core", () => {
  it("lists the catalog with the extra entry", async () => {
    const { models, problems } = await call("catalog.list", {});
    expect(problems).toEqual([]);
    expect(models.map((m) => m.id)).toContain("scripted-r1");
    const r1 = models.find((m) => m.id === "deepseek-r1")!;
    expect(r1.architecture).toEqual({ arch: "deepseek2", blocks: 61, contextLength: 163840, mixtureOfExperts: true });
    expect(r1.variants[0]!.sizeBytes).toBeGreaterThan(100e9);
    expect(r1.variants[0]!.approximate).toBe(true);
  });

  it("probes this machine with its models folder under the data dir", async () => {
    const hw = await call("hardware.probe", {});
    expect(hw.modelsDir).toBe(path.join(dataDir, "models"));
    expect(hw.ramTotalBytes).toBeGreaterThan(0);
  });

  it("evaluates every variant against this machine, a preset and typed numbers", async () => {
    const here = await call("fit.evaluate", { contextSize: 4096, machine: "this" });
    expect(here.machine.id).toBe("this");
    expect(here.results.length).toBe(39);
    const scripted = here.results.find((r) => r.variantId === "scripted-r1.q8_0")!;
    expect(["gpu-full", "cpu-only"]).toContain(scripted.verdict);

    const preset = await call("fit.evaluate", { contextSize: 8192, machine: "gpu-24gb", variantIds: ["r1-distill-qwen-32b.q4_k_m"] });
    expect(preset.results).toHaveLength(1);
    expect(preset.results[0]!.verdict).toBe("gpu-full");

    const custom = await call("fit.evaluate", {
      contextSize: 8192,
      machine: { ramGB: 16, gpus: [{ vramGB: 12, name: "RTX 3060" }] },
      variantIds: ["r1-distill-qwen-14b.q4_k_m"],
    });
    expect(custom.machine.label).toBe("Custom machine");
    expect(custom.results[0]!.verdict).toBe("gpu-full");
  });

  it("lists planner presets from laptops to data-centre nodes", async () => {
    const { presets } = await call("fit.presets", {});
    expect(presets.map((p) => p.id)).toEqual(
      expect.arrayContaining([
        "laptop-8gb",
        "laptop-16gb",
        "gpu-8gb",
        "gpu-12gb",
        "gpu-16gb",
        "gpu-24gb",
        "workstation-2x24gb",
        "apple-16gb",
        "apple-36gb",
        "apple-64gb",
        "apple-128gb",
        "apple-192gb",
        "dc-8x80gb",
        "dc-8x141gb",
      ]),
    );
  });

  it("refuses an unknown preset and bad numbers with a plain message", async () => {
    const unknown = await core.dispatch("fit.evaluate", { contextSize: 4096, machine: "cray-1" });
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error.message).toMatch(/no machine preset "cray-1"/);
    const bad = await core.dispatch("fit.evaluate", { contextSize: 4096, machine: { ramGB: -1 } });
    expect(bad.ok).toBe(false);
    const tiny = await core.dispatch("fit.evaluate", { contextSize: 10, machine: "this" });
    expect(tiny.ok).toBe(false);
  });

  it("recommends per use, with the reason", async () => {
    const coding = await call("catalog.recommend", { use: "coding", contextSize: 8192, machine: "gpu-24gb" });
    // Highest LiveCodeBench among what runs at 5+ tokens/s, in its best quantization that fits.
    expect(coding.variantId).toBe("r1-0528-qwen3-8b.q8_0");
    expect(coding.reason).toMatch(/best coding score \(LiveCodeBench 2408–2505 \(pass@1\) 60\.5\)/);
    expect(coding.alternatives[0]).toMatch(/^r1-distill-qwen-32b\./);
    const fastest = await call("catalog.recommend", { use: "fastest", contextSize: 4096, machine: "laptop-8gb" });
    expect(fastest.variantId).toMatch(/^(r1-distill-qwen-1\.5b|scripted-r1)/);
    const math = await call("catalog.recommend", { use: "math", contextSize: 8192, machine: "dc-8x141gb" });
    expect(math.modelId).toBe("deepseek-r1-0528");
    expect(math.fit!.verdict).toBe("gpu-full");
  });

  it("refreshes sizes from the hub and says which variants it could not confirm", async () => {
    const { updatedVariants, failures } = await call("catalog.refresh", {});
    expect(updatedVariants).toBe(1);
    // The built-in repositories are not on this local hub.
    expect(failures).toHaveLength(38);
    expect(failures[0]).toMatch(/^r1-distill-qwen-1\.5b\.q4_k_m: .*404/);
    expect(events).toContain("catalog.changed");
    const { models } = await call("catalog.list", {});
    const scripted = models.find((m) => m.id === "scripted-r1")!.variants[0]!;
    expect(scripted).toMatchObject({ sizeBytes: 280_448, approximate: false });
  });

  it("follows the extra catalog named in the settings", async () => {
    const other = path.join(extraDir, "other-catalog.json");
    const doc = JSON.parse(readFileSync(path.join(extraDir, "extra-catalog.json"), "utf8")) as { models: { id: string; variants: { id: string }[] }[] };
    doc.models[0]!.id = "from-settings";
    doc.models[0]!.variants[0]!.id = "from-settings.q8_0";
    writeFileSync(other, JSON.stringify(doc));
    events.length = 0;
    await call("settings.update", { patch: { extraCatalogPath: other } });
    expect(events).toContain("catalog.changed");
    const { models } = await call("catalog.list", {});
    expect(models.map((m) => m.id)).toEqual(expect.arrayContaining(["scripted-r1", "from-settings"]));
  });
});

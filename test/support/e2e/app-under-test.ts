import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { build } from "vite";
import { validateGgufFile } from "../../../electron/core/gguf/validate.js";
import { ensureFixture } from "../../fixtures/models.js";
import { launchGuardedChromium, type GuardedBrowser } from "../browser/chromium.js";
import { startServeProcess, type ServeProcess } from "../browser/serve-process.js";
import { startHub, type Hub } from "../hub/server.js";

const root = path.resolve(import.meta.dirname, "../../..");
export const E2E_RESULTS = path.join(root, "test-results", "e2e");

export const TEST_REPO = "r1-local-test/scripted-r1-GGUF";
export const TEST_MODEL_ID = "scripted-r1-e2e";
export const TEST_VARIANT_ID = "scripted-r1-e2e-f16";
export const TEST_MODEL_NAME = "Scripted R1 Qwen (test)";

export interface AppUnderTest {
  page: Page;
  chrome: GuardedBrowser;
  serve: ServeProcess;
  hub: Hub;
  /** Saves test-results/e2e/NN-name.png, numbered in the order taken. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

async function sha256(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** A catalog entry for the generated scripted model, served by the local hub (shape read from its header). */
async function writeTestCatalog(modelFile: string, target: string): Promise<void> {
  const checked = await validateGgufFile(modelFile);
  if (!checked.ok) throw new Error(`The scripted fixture is not a valid GGUF: ${checked.reason}`);
  const f = checked.facts;
  const catalog = {
    version: 1,
    models: [
      {
        id: TEST_MODEL_ID,
        name: TEST_MODEL_NAME,
        description: "A generated model that always answers with the same script (tests only).",
        baseModel: "generated scripted-r1-long",
        parameters: { total: f.parameterCount, active: f.parameterCount },
        licenses: ["MIT"],
        benchmarks: {},
        uses: ["chat"],
        architecture: {
          type: "dense",
          arch: "qwen2",
          blocks: f.blockCount,
          embedding: f.embeddingLength,
          heads: f.headCount,
          kvHeads: f.headCountKv,
          headDim: f.embeddingLength / f.headCount,
          ffn: f.feedForwardLength,
          vocab: f.vocabularySize,
          contextLength: f.contextLength,
        },
        variants: [
          {
            id: TEST_VARIANT_ID,
            quant: "F16",
            label: "F16",
            repo: TEST_REPO,
            files: [{ path: path.basename(modelFile), sizeBytes: f.fileSize, sha256: await sha256(modelFile) }],
          },
        ],
      },
    ],
  };
  await writeFile(target, JSON.stringify(catalog, null, 2));
}

/**
 * The whole product as a person meets it: the built renderer in real Chromium over serve mode, a
 * fresh data dir, the real core and engine, and a local hub holding the scripted model, listed
 * through an extra catalog file. Every request to a non-loopback address is blocked and recorded.
 */
export async function startAppUnderTest(options: { hubBytesPerSecond?: number; env?: Record<string, string> } = {}): Promise<AppUnderTest> {
  const work = await mkdtemp(path.join(os.tmpdir(), "r1-e2e-"));
  const modelFile = await ensureFixture("scripted-r1-long");
  const hubDir = path.join(work, "hub");
  await mkdir(path.join(hubDir, TEST_REPO), { recursive: true });
  await copyFile(modelFile, path.join(hubDir, TEST_REPO, path.basename(modelFile)));
  const catalogFile = path.join(work, "catalog.json");
  await writeTestCatalog(modelFile, catalogFile);
  const hub = await startHub({ dir: hubDir });
  // Slow enough that the download's progress is visible for a few seconds.
  if (options.hubBytesPerSecond) hub.faults.throttle(options.hubBytesPerSecond, { times: 0, match: ".gguf" });

  await build({ configFile: path.join(root, "vite.config.ts"), logLevel: "warn" });
  const serve = await startServeProcess({
    dataDir: path.join(work, "data"),
    // `env` may point other apps' model folders (HF_HUB_CACHE, LLAMA_CACHE, …) at a test's own.
    env: { HF_ENDPOINT: hub.url, R1_EXTRA_CATALOG: catalogFile, HF_TOKEN: "", ...options.env },
  });
  const chrome = await launchGuardedChromium({ width: 1280, height: 900 });
  await mkdir(E2E_RESULTS, { recursive: true });
  let shots = 0;
  await chrome.page.goto(serve.url);
  return {
    page: chrome.page,
    chrome,
    serve,
    hub,
    async screenshot(name) {
      const file = path.join(E2E_RESULTS, `${String(++shots).padStart(2, "0")}-${name}.png`);
      await chrome.page.screenshot({ path: file });
      return file;
    },
    async close() {
      await chrome.close();
      await serve.stop();
      await hub.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}

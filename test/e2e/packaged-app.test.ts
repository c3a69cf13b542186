import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AppCore } from "../../electron/core/composition/app-core.js";
import { validateGgufFile } from "../../electron/core/gguf/validate.js";
import { ensureFixture } from "../fixtures/models.js";
import { electronUnderTest, launchElectronApp, type RunningElectronApp } from "../support/packaging/electron-app.js";
import { ensureBuilt } from "../support/packaging/pack-dir.js";

// The smoke test release.yml runs on every packaged installer's app (R1_PACKAGED_APP): the real
// Electron binary opens its window, the preload's window.api is there, a generated model loads in
// the engine's utilityProcess with the packaged llama.cpp binaries, and one question is answered
// with a reasoning trace. Here, without the Electron runtime, it prepares everything up to the
// launch and reports the launch as skipped, by name.
const SMOKE = "the packaged app opens its window, loads a generated model and answers one question with a trace";
const target = electronUnderTest();
// In release.yml the packaged app must be tested, never skipped.
if (process.env.R1_PACKAGED_APP && !target) throw new Error(`R1_PACKAGED_APP names no file: ${process.env.R1_PACKAGED_APP}`);
if (!target) console.warn(`SKIPPED: '${SMOKE}' — no Electron binary here (set R1_PACKAGED_APP, or let the electron package download its runtime).`);

const resultsDir = path.resolve(import.meta.dirname, "../../test-results/packaged");
let model: string;
let userDataDir: string;
let app: RunningElectronApp | undefined;

afterAll(async () => {
  await app?.close();
  if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
});

interface SmokeResult {
  api: string;
  loaded: { jobId: string } | undefined;
  loadFailed: { message: string } | undefined;
  done: { thought: string; answer: string; stopReason: string } | undefined;
}

/** Runs in the app's window: the contract's calls through window.api, events collected as they come. */
async function askThroughWindowApi(modelPath: string): Promise<SmokeResult> {
  type Api = {
    call(name: string, payload: unknown): Promise<{ ok: boolean; value?: { jobId: string }; error?: { message: string } }>;
    onEvent(l: (n: string, p: unknown) => void): () => void;
  };
  const api = (globalThis as unknown as { api?: Api }).api;
  const result: SmokeResult = { api: typeof api, loaded: undefined, loadFailed: undefined, done: undefined };
  if (!api) return result;
  const next = (name: string) =>
    new Promise<unknown>((resolve) => {
      const stop = api.onEvent((n, p) => {
        if (n !== name) return;
        stop();
        resolve(p);
      });
    });
  const loadEnds = Promise.race([next("engine.loaded"), next("engine.loadFailed").then((p) => ({ failed: p }))]);
  const load = await api.call("engine.load", { path: modelPath, contextSize: 1024, backend: "auto" });
  if (!load.ok) return { ...result, loadFailed: { message: load.error!.message } };
  const loaded = (await loadEnds) as { failed?: { message: string } };
  if (loaded.failed) return { ...result, loadFailed: loaded.failed };
  const done = next("chat.done");
  const send = await api.call("chat.send", { prompt: "What is six times seven?", options: { maxTokens: 256 } });
  if (!send.ok) throw new Error(send.error!.message);
  return { ...result, loaded: loaded as { jobId: string }, done: (await done) as SmokeResult["done"] };
}

function expectAnswered(result: SmokeResult, log = ""): void {
  expect(result.api).toBe("object");
  expect(result.loadFailed, `${result.loadFailed?.message}\n${log}`).toBeUndefined();
  expect(result.done?.thought).toContain("six times seven");
  expect(result.done?.answer).toContain("42");
}

describe("the packaged app", () => {
  it("has what the smoke test needs: the built app and a generated model llama.cpp accepts", async () => {
    await ensureBuilt();
    model = await ensureFixture("scripted-r1");
    expect((await validateGgufFile(model)).ok).toBe(true);
    userDataDir = await mkdtemp(path.join(os.tmpdir(), "r1-packaged-"));
  }, 300_000);

  it("its question goes through, in Node, over the same contract the window's api carries", async () => {
    // The script the window runs, against the real core and engine (a Node child here, a utilityProcess there).
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "r1-packaged-core-"));
    const core = await AppCore.create({ dataDir, mode: "serve", env: { HOME: dataDir } });
    const global = globalThis as { api?: unknown };
    global.api = { call: (name: string, payload: unknown) => core.dispatch(name, payload), onEvent: (listener: never) => core.subscribe(listener) };
    try {
      expectAnswered(await askThroughWindowApi(model));
    } finally {
      delete global.api;
      await core.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 300_000);

  it.skipIf(!target)(
    `${SMOKE}${target ? "" : " (skipped: no Electron binary here)"}`,
    async () => {
      app = await launchElectronApp(target!, userDataDir);
      const { page } = app;
      await page.waitForLoadState("domcontentloaded");
      await expect.poll(() => page.getByTestId("status-line").textContent(), { timeout: 60_000 }).toMatch(/R1 Local \d+\.\d+\.\d+/);
      const result = await page.evaluate(askThroughWindowApi, model);
      expect(result.api).toBe("object");
      expect(result.loadFailed, `${result.loadFailed?.message}\n${app.stderr()}`).toBeUndefined();
      expect(result.done?.thought.length).toBeGreaterThan(0);
      expect(result.done?.answer.length).toBeGreaterThan(0);
      await mkdir(resultsDir, { recursive: true });
      await page.screenshot({ path: path.join(resultsDir, `window-${process.platform}-${process.arch}.png`) });
    },
    600_000,
  );
});

// A saved conversation context whose native load crashed the engine is skipped on the next try
// (with a notice, set aside) instead of crashing it on every try; a manifest whose history is not
// a chat history is refused before the model sees it. The sequence here stands in for llama.cpp's:
// what is under test is the marker and the checks around the native load, not llama.cpp.
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { LlamaContextSequence } from "node-llama-cpp";
import { afterEach, beforeEach, expect, it } from "vitest";
import { SavedContextCache } from "../../electron/core/saved-context/saved-context-cache.js";
import {
  CRASHED_LOADING,
  loadingMarker,
  restoreConversationState,
  saveConversationState,
  setAsideState,
  type StateIdentity,
} from "../../electron/engine/saved-context.js";

let dataDir: string;
const identity: StateIdentity = { modelPath: "/models/m.gguf", modelBytes: 1000, modelModifiedMs: 1, contextSettings: "{}" };
const window = {
  history: [
    { type: "user", text: "hi" },
    { type: "model", response: ["hello"] },
  ],
  shiftMetadata: null,
  turns: [{ role: "user", content: "hi" }],
};

/** llama.cpp's sequence as the saved-context code uses it; `load` decides what the native load does. */
function sequence(load: () => Promise<void> = async () => undefined): LlamaContextSequence & { loads: number } {
  const stand = {
    loads: 0,
    contextSize: 4096,
    contextTokens: [1, 2, 3],
    saveStateToFile: (file: string) => writeFile(file, "llama state bytes"),
    loadStateFromFile: () => (stand.loads++, load()),
  };
  return stand as unknown as LlamaContextSequence & { loads: number };
}

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "r1-state-crash-"));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

it("a state whose load never finished is skipped on the next start and set aside, not loaded again", async () => {
  const cache = new SavedContextCache(dataDir, { maxBytes: 1e9 });
  const plan = await cache.plan("conversation");
  await saveConversationState(sequence(), plan.save, identity, window as never);
  await cache.recordSaved("conversation", plan.save);

  // The native load takes the engine down: it never returns, and the marker stays behind.
  void restoreConversationState(
    sequence(() => new Promise(() => undefined)),
    plan.save,
    identity,
  );
  await expect.poll(() => readdir(path.dirname(plan.save))).toContain(path.basename(loadingMarker(plan.save)));

  // The app starts again: the start-up sweep keeps the marker, and the next try does not load the file.
  const restarted = new SavedContextCache(dataDir, { maxBytes: 1e9 });
  await restarted.removeOrphans();
  const next = await restarted.plan("conversation");
  expect(next.load).toBe(plan.save);
  const retry = sequence();
  expect(await restoreConversationState(retry, next.load!, identity)).toEqual({ restored: false, problem: CRASHED_LOADING });
  expect(retry.loads).toBe(0);

  const kept = await setAsideState(next.load!);
  expect(await readFile(kept, "utf8")).toBe("llama state bytes");
  expect(await readdir(path.dirname(plan.save))).not.toContain(path.basename(plan.save));
});

it("a load that finishes clears its marker", async () => {
  const file = path.join(dataDir, "a.state");
  await saveConversationState(sequence(), file, identity, window as never);
  const loaded = sequence();
  expect(await restoreConversationState(loaded, file, identity)).toMatchObject({ restored: true, window: { turns: window.turns } });
  expect(loaded.loads).toBe(1);
  expect(await readdir(dataDir)).not.toContain("a.state.loading");
});

it("a saved history that is not a chat history is refused before the native load", async () => {
  const file = path.join(dataDir, "b.state");
  await saveConversationState(sequence(), file, identity, window as never);
  const manifest = JSON.parse(await readFile(`${file}.json`, "utf8")) as { window: { history: unknown[] } };
  manifest.window.history = [
    { type: "user", text: { injected: true } },
    { type: "model", response: [42] },
  ];
  await writeFile(`${file}.json`, JSON.stringify(manifest));
  const refused = sequence();
  expect(await restoreConversationState(refused, file, identity)).toEqual({ restored: false, problem: "its description is damaged" });
  expect(refused.loads).toBe(0);
});

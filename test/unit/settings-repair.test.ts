import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSettingsModule } from "../../electron/core/settings/module.js";
import { SettingsStore, defaultSettings, repairSettings } from "../../electron/core/settings/settings-service.js";
import { startModule } from "../support/store/module-harness.js";

let dataDir: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "r1-settings-"));
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

function openSettings(env: Record<string, string | undefined> = {}) {
  const store = new SettingsStore(dataDir, defaultSettings(dataDir, env));
  store.load();
  return store;
}

describe("settings", () => {
  it("starts from documented defaults, with the hub taken from HF_ENDPOINT and HF_TOKEN", () => {
    const plain = openSettings().get();
    expect(plain.modelsDir).toBe(path.join(dataDir, "models"));
    expect(plain.hub).toEqual({ endpoint: "https://huggingface.co", token: null, tokenOrigin: null });
    expect(plain.sampling.temperature).toBe(0.6);
    expect(plain.sampling.topP).toBe(0.95);
    expect(plain.downloads.concurrency).toBe(2);
    expect(plain.apiServer.enabled).toBe(false);
    const mirrored = openSettings({ HF_ENDPOINT: "http://127.0.0.1:9999/", HF_TOKEN: "hf_abc" }).get();
    expect(mirrored.hub).toEqual({ endpoint: "http://127.0.0.1:9999", token: "hf_abc", tokenOrigin: "http://127.0.0.1:9999" });
  });

  it("keeps a change across restarts and tells listeners", async () => {
    const store = openSettings();
    const seen: number[] = [];
    store.onChange((s) => seen.push(s.sampling.temperature));
    await store.update({ sampling: { temperature: 0.5 }, theme: "dark" });
    expect(seen).toEqual([0.5]);
    const again = openSettings().get();
    expect(again.sampling).toMatchObject({ temperature: 0.5, topP: 0.95 });
    expect(again.theme).toBe("dark");
  });

  it("refuses an invalid change with a readable message and keeps the old value", async () => {
    const store = openSettings();
    await expect(store.update({ sampling: { temperature: 3 } })).rejects.toThrow(/sampling\.temperature/);
    await expect(store.update({ nonsense: 1 } as never)).rejects.toThrow(/nonsense|Unrecognized/);
    await expect(store.update({ modelsDir: "models" })).rejects.toThrow(/modelsDir: must be a full path/);
    expect(store.get().sampling.temperature).toBe(0.6);
  });

  it("repairs unknown and invalid fields with a message, keeps the valid ones, and backs the file up", () => {
    fs.writeFileSync(
      path.join(dataDir, "settings.json"),
      JSON.stringify({ version: 1, theme: "dark", colour: "teal", sampling: { temperature: "hot", topP: 0.9 }, threads: -4 }),
    );
    const store = openSettings();
    expect(store.get().theme).toBe("dark");
    expect(store.get().sampling).toMatchObject({ temperature: 0.6, topP: 0.9 });
    expect(store.get().threads).toBe("auto");
    const text = store.notices.join("\n");
    expect(text).toMatch(/Unknown setting "colour"/);
    expect(text).toMatch(/"sampling\.temperature" had an invalid value/);
    expect(text).toMatch(/"threads" had an invalid value/);
    expect(fs.readdirSync(dataDir).some((name) => name.startsWith("settings.json.damaged-"))).toBe(true);
    // The repaired file is clean: a second start has nothing to say.
    expect(openSettings().notices).toEqual([]);
  });

  it("survives a file that is not JSON at all", () => {
    fs.writeFileSync(path.join(dataDir, "settings.json"), '{"theme": "dark", "sampl');
    const store = openSettings();
    expect(store.get().theme).toBe("system");
    expect(store.notices.join(" ")).toMatch(/could not be read.*saved as settings\.json\.damaged-/);
  });

  it("starts on defaults when settings.json cannot be opened at all", () => {
    fs.mkdirSync(path.join(dataDir, "settings.json"));
    const store = openSettings();
    expect(store.get().theme).toBe("system");
    expect(store.notices.join(" ")).toMatch(/could not be opened \(EISDIR\)/);
  });

  it("runs migrations from older versions before repairing", () => {
    const migrated = repairSettings({ version: 0, temp: 0.7 }, { 0: ({ temp, ...rest }) => ({ ...rest, sampling: { temperature: temp } }) });
    expect(migrated).toEqual({ value: { sampling: { temperature: 0.7 } }, notices: [] });
  });

  it("reports repairs through settings.get and once as app.notice", async () => {
    fs.writeFileSync(path.join(dataDir, "settings.json"), JSON.stringify({ theme: "purple" }));
    const app = await startModule(dataDir, createSettingsModule);
    const view = (await app.call("settings.get")) as { notices: string[] };
    expect(view.notices.join(" ")).toMatch(/"theme" had an invalid value/);
    await new Promise((resolve) => setImmediate(resolve));
    expect(app.events.filter((e) => e.name === "app.notice")).toHaveLength(1);
    await expect(app.call("settings.update", { patch: { downloads: { concurrency: 0 } } })).rejects.toThrow(/downloads\.concurrency/);
    await app.call("settings.update", { patch: { downloads: { concurrency: 3 } } });
    expect(app.events.filter((e) => e.name === "settings.changed")).toHaveLength(1);
    expect(app.module.service.get().downloads.concurrency).toBe(3);
    await app.close();
  });
});

// The hub token is the person's Hugging Face credential: the core keeps it, clients (the renderer,
// a serve-mode tab) only ever learn that one is set and its last four characters.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSettingsModule } from "../../electron/core/settings/module.js";
import { startModule } from "../support/store/module-harness.js";

const TOKEN = "hf_secretSECRETsecret1234";

let dataDir: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "r1-token-"));
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe("the hub token", () => {
  it("never leaves the core: get, update and the change event carry only whether it is set and its last four characters", async () => {
    const core = await startModule(dataDir, createSettingsModule, { HF_TOKEN: TOKEN });
    const view = (await core.call("settings.get")) as { settings: { hub: unknown }; defaults: { hub: unknown } };
    expect(view.settings.hub).toEqual({ endpoint: "https://huggingface.co", tokenSet: true, tokenHint: "1234" });
    expect(view.defaults.hub).toEqual({ endpoint: "https://huggingface.co", tokenSet: true, tokenHint: "1234" });

    const updated = await core.call("settings.update", { patch: { theme: "dark" } });
    expect(JSON.stringify([view, updated, core.events])).not.toContain(TOKEN.slice(0, 12));
    expect(core.events.some((e) => e.name === "settings.changed")).toBe(true);
    // The core itself still has it, for the hub requests it makes.
    expect(core.module.service!.get().hub.token).toBe(TOKEN);
    await core.close();
  });

  it("is replaced or removed by a patch, and kept by a patch that does not name it", async () => {
    const core = await startModule(dataDir, createSettingsModule);
    const none = (await core.call("settings.get")) as { settings: { hub: unknown } };
    expect(none.settings.hub).toMatchObject({ tokenSet: false, tokenHint: null });

    const set = (await core.call("settings.update", { patch: { hub: { token: TOKEN } } })) as { settings: { hub: unknown } };
    expect(set.settings.hub).toMatchObject({ tokenSet: true, tokenHint: "1234" });
    // Saving the form again without touching the token (same endpoint) keeps it; another origin drops it (secret-origin.test.ts).
    await core.call("settings.update", { patch: { hub: { endpoint: "https://huggingface.co/" } } });
    expect(core.module.service!.get().hub).toEqual({ endpoint: "https://huggingface.co/", token: TOKEN, tokenOrigin: "https://huggingface.co" });

    const removed = (await core.call("settings.update", { patch: { hub: { token: null } } })) as { settings: { hub: unknown } };
    expect(removed.settings.hub).toMatchObject({ tokenSet: false, tokenHint: null });
    expect(core.module.service!.get().hub.token).toBeNull();
    await core.close();
  });
});

import { copyFile, mkdir, symlink } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Dispatcher, type Handlers } from "../../electron/core/kernel/dispatcher.js";
import { createLibraryModule } from "../../electron/core/library/module.js";
import { ensureFixture } from "../fixtures/models.js";
import { moduleContext } from "../support/core/module-context.js";
import { tempDir } from "../support/hub/download-helpers.js";

async function discoverCall(home: string, env: Record<string, string>) {
  const dataDir = await tempDir("lib-call-");
  const { ctx } = moduleContext(dataDir, env);
  const library = await createLibraryModule(ctx, { modelsDir: () => join(dataDir, "models"), home });
  const outcome = await new Dispatcher(library.handlers as Handlers).dispatch("library.discover", {});
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome.value as { found: Array<{ path: string; tool: string }>; searched: Array<{ tool: string; dir: string }> };
}

describe("library.discover", () => {
  it("names every folder it looked in, so an empty answer can say where", async () => {
    const home = await tempDir("home-");
    const { found, searched } = await discoverCall(home, {});
    expect(found).toEqual([]);
    expect(searched).toEqual([
      { tool: "lm-studio", dir: join(home, ".lmstudio", "models") },
      { tool: "lm-studio", dir: join(home, ".cache", "lm-studio", "models") },
      { tool: "huggingface", dir: join(home, ".cache", "huggingface", "hub") },
      { tool: "node-llama-cpp", dir: join(home, ".node-llama-cpp", "models") },
      { tool: "llama.cpp", dir: join(home, ".cache", "llama.cpp") },
    ]);
  });

  it("looks where the environment moved the caches (HF_HUB_CACHE, XDG_CACHE_HOME) and finds a model there", async () => {
    const home = await tempDir("home-");
    const elsewhere = await tempDir("elsewhere-");
    const hubCache = join(elsewhere, "hub");
    const snapshot = join(hubCache, "models--someone--r1-GGUF", "snapshots", "rev1");
    await mkdir(join(hubCache, "models--someone--r1-GGUF", "blobs"), { recursive: true });
    await mkdir(snapshot, { recursive: true });
    await copyFile(await ensureFixture("scripted-r1"), join(hubCache, "models--someone--r1-GGUF", "blobs", "abc"));
    await symlink(join("..", "..", "blobs", "abc"), join(snapshot, "r1.gguf"));
    const { found, searched } = await discoverCall(home, { HF_HUB_CACHE: hubCache, XDG_CACHE_HOME: join(elsewhere, "cache") });
    expect(found.map((f) => [f.tool, f.path])).toEqual([["huggingface", join(snapshot, "r1.gguf")]]);
    expect(searched).toContainEqual({ tool: "huggingface", dir: hubCache });
    expect(searched).toContainEqual({ tool: "llama.cpp", dir: join(elsewhere, "cache", "llama.cpp") });
  });
});

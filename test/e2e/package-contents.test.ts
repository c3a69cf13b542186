import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterPack } from "../../build/fuses.mjs";
import { fuseWireOf, packLinuxDir, standInMacApp, type PackedApp } from "../support/packaging/pack-dir.js";

// The Linux x64 package as electron-builder lays it out from electron-builder.yml (AppImage and
// .deb wrap this folder). Only the Electron runtime is a stand-in: it cannot be downloaded here.
let packed: PackedApp;

beforeAll(async () => {
  packed = await packLinuxDir("x64");
}, 300_000);
afterAll(async () => packed?.remove());

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;

describe("the packaged app (linux x64)", () => {
  it("holds the main process, preload, engine bundle and renderer inside the asar", () => {
    for (const file of ["out/main/main.js", "out/preload/preload.cjs", "out/engine/engine.js", "out/renderer/index.html", "package.json"]) {
      expect(packed.asarFiles).toContain(file);
    }
    expect(packed.asarFiles.some((f) => f.startsWith("out/renderer/assets/") && f.endsWith(".js"))).toBe(true);
    expect(packed.asarFiles).toContain("node_modules/node-llama-cpp/package.json");
    expect(packed.asarFiles).toContain("node_modules/node-llama-cpp/dist/index.js");
  });

  it("ships the catalog beside the asar, where the core looks for it", () => {
    expect(packed.resourceFiles).toContain("resources/catalog/catalog.json");
  });

  it("carries electron-updater (main loads it as a module) and the feed address it reads", () => {
    expect(packed.asarFiles).toContain("node_modules/electron-updater/package.json");
    expect(packed.resourceFiles).toContain("app-update.yml");
  });

  it("unpacks node-llama-cpp's CPU, CUDA and Vulkan binaries for linux-x64, and no other platform's", () => {
    const bins = packed.unpackedFiles.filter((f) => f.startsWith("node_modules/@node-llama-cpp/") && f.includes("/bins/"));
    for (const build of ["linux-x64", "linux-x64-cuda", "linux-x64-vulkan"]) {
      expect(bins).toContain(`node_modules/@node-llama-cpp/${build}/bins/${build}/llama-addon.node`);
    }
    expect(bins.some((f) => f.startsWith("node_modules/@node-llama-cpp/linux-x64-cuda-ext/bins/"))).toBe(true);
    expect(bins.filter((f) => /@node-llama-cpp\/(linux-arm|linux-riscv|mac-|win-)/.test(f))).toEqual([]);
    // No native binary is left inside the asar, where it could not be loaded.
    expect(packed.asarFiles.filter((f) => /\.(node|so|dylib|dll)$/.test(f))).toEqual([]);
  });

  it("leaves out tests, fixtures, the .cache, source maps and llama.cpp's build sources", () => {
    const everything = [...packed.asarFiles, ...packed.unpackedFiles, ...packed.resourceFiles];
    expect(everything.filter((f) => /(^|\/)(test|tests|__tests__|fixtures|\.cache)\//.test(f))).toEqual([]);
    expect(everything.filter((f) => /(^|\/)(electron|renderer\/src|build|docs)\//.test(f) && !f.startsWith("node_modules/"))).toEqual([]);
    expect(everything.filter((f) => f.endsWith(".gguf") || f.endsWith(".map"))).toEqual([]);
    expect(everything.filter((f) => f.startsWith("node_modules/node-llama-cpp/llama/") && /gitRelease\.bundle|\/addon\/|\/xpack\//.test(f))).toEqual([]);
    // Development tools stay out: only production dependencies are packed.
    expect(everything.filter((f) => /^node_modules\/(electron|electron-builder|vite|vitest|typescript|eslint|playwright-core|svelte)\//.test(f))).toEqual([]);
    // What vite and esbuild already bundled into out/ is not shipped twice.
    expect(everything.filter((f) => /^node_modules\/(katex|highlight\.js|zod|undici|@lucide)\//.test(f))).toEqual([]);
  });

  it("flips the Electron fuses as electron-builder.yml asks", () => {
    // FuseV1Options order: RunAsNode, CookieEncryption, NODE_OPTIONS, inspect arguments, asar integrity,
    // only-load-from-asar, browser V8 snapshot (left as Electron has it), file:// privileges.
    // RunAsNode off: the engine process tests each backend itself (electron/engine/backend-attempts.ts).
    expect(packed.fuseWire).toBe("01001100");
    console.log(`linux-x64 app payload (asar + unpacked + resources, before compression, without the Electron runtime): ${mb(packed.appBytes)}`);
  });

  it("on macOS, the same hook flips the same fuses, RunAsNode off", async () => {
    // electron-builder packs macOS only on a Mac; its afterPack hook is run here on a stand-in .app
    // with the context electron-builder passes it.
    const appOutDir = await mkdtemp(path.join(os.tmpdir(), "r1-mac-"));
    try {
      const app = await standInMacApp(appOutDir, "R1 Local");
      await afterPack({ appOutDir, electronPlatformName: "darwin", packager: { appInfo: { productFilename: "R1 Local" } } });
      expect(await fuseWireOf(app)).toBe("01001100");
    } finally {
      await rm(appOutDir, { recursive: true, force: true });
    }
  });
});

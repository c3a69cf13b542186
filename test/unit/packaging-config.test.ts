import { readFileSync } from "node:fs";
import path from "node:path";
import { getConfig, validateConfiguration } from "app-builder-lib/out/util/config/config.js";
import { DebugLogger } from "builder-util";
import type { Configuration, TargetConfiguration } from "electron-builder";
import { beforeAll, describe, expect, it } from "vitest";
import { fusesFor } from "../../build/fuses.mjs";

// electron-builder.yml as electron-builder itself reads and validates it (its JSON schema).
const root = path.resolve(import.meta.dirname, "../..");
let config: Configuration;

beforeAll(async () => {
  config = await getConfig(root, null, null);
  await validateConfiguration(config, new DebugLogger(false));
});

function targets(platform: "win" | "mac" | "linux"): Record<string, string[]> {
  const list = (config[platform]?.target ?? []) as TargetConfiguration[];
  return Object.fromEntries(list.map((t) => [t.target, (t.arch ?? []) as string[]]));
}

/** The `files` patterns, however electron-builder normalised them (strings or `{ filter }` sets). */
function filePatterns(): string[] {
  return ((config.files ?? []) as (string | { filter?: string | string[] })[]).flatMap((f) => (typeof f === "string" ? [f] : [f.filter ?? []].flat()));
}

describe("electron-builder.yml", () => {
  it("builds an NSIS installer for Windows x64 and arm64 that installs per user, without administrator rights", () => {
    expect(targets("win").nsis).toEqual(["x64", "arm64"]);
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false, allowElevation: false, deleteAppDataOnUninstall: false });
  });

  it("builds DMGs for macOS arm64 and x64 under the hardened runtime, signed and notarized only when the environment says so", () => {
    expect(targets("mac").dmg).toEqual(["arm64", "x64"]);
    expect(targets("mac").zip).toEqual(["arm64", "x64"]); // what the updater downloads
    expect(config.mac).toMatchObject({
      hardenedRuntime: true,
      entitlements: "build/entitlements.mac.plist",
      entitlementsInherit: "build/entitlements.mac.plist",
    });
    // No identity or notarize credentials in the file: CSC_LINK / APPLE_* from the environment, unsigned without them.
    expect(config.mac?.identity).toBeUndefined();
    expect(config.mac?.notarize).toBeUndefined();
    const entitlements = readFileSync(path.join(root, "build/entitlements.mac.plist"), "utf8");
    expect([...entitlements.matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1])).toEqual(["com.apple.security.cs.allow-jit"]);
  });

  it("builds an AppImage and a .deb for Linux x64 and arm64", () => {
    expect(targets("linux")).toEqual({ AppImage: ["x64", "arm64"], deb: ["x64", "arm64"] });
  });

  it("keeps node-llama-cpp's native binaries out of the asar, each platform taking only its own", () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(["node_modules/@node-llama-cpp/**", "node_modules/node-llama-cpp/bins/**"]));
    const files = filePatterns();
    expect(files).toContain("!node_modules/@node-llama-cpp/*/bins/**");
    expect(files).toContain("node_modules/@node-llama-cpp/${os}-${arch}*/bins/**");
    expect(config.npmRebuild).toBe(false);
  });

  it("packs only the built app: no tests, fixtures, sources or caches", () => {
    const files = filePatterns();
    expect(files.filter((f) => !f.startsWith("!") && !f.startsWith("node_modules/"))).toEqual(["out/**", "package.json"]);
    expect(files).toContain("!**/{test,tests,__tests__,fixtures,.cache}{,/**}");
    expect(files).toContain("!**/*.map");
  });

  it("sets the Electron fuses through its afterPack hook: no NODE_OPTIONS, no inspector, asar integrity, the app only from its asar", () => {
    // electron-builder's own table would flip them again after the hook, with one value for every platform.
    expect(config.electronFuses).toBeUndefined();
    expect(config.afterPack).toBe("./build/fuses.mjs");
    const common = {
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    };
    // RunAsNode off everywhere: the engine process tests each backend itself, and skips node-llama-cpp's forked test.
    for (const platform of ["darwin", "mas", "linux", "win32"]) expect(fusesFor(platform)).toEqual({ ...common, runAsNode: false });
  });

  it("publishes to GitHub Releases, which the updater reads", () => {
    expect(config.publish).toMatchObject({ provider: "github" });
  });
});

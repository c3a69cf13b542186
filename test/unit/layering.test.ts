import path from "node:path";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";
import layering, { CORE_NEVER, CORE_TIERS, checkCoreImport, findTierCycle } from "../../build/lint/layering.js";

// The fixture tree mirrors the app's layout under test/fixtures/lint, outside the app tree.
const fixtureRoot = path.resolve(import.meta.dirname, "../fixtures/lint");

async function lint(relativeFile: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: fixtureRoot,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ["**/*.ts"],
        languageOptions: { parser: tseslint.parser },
        plugins: { r1: layering },
        rules: { "r1/layering": ["error", { root: fixtureRoot }] },
      },
    ],
  });
  const [result] = await eslint.lintFiles([path.join(fixtureRoot, relativeFile)]);
  return result!.messages.map((m) => m.message);
}

describe("the layering rule", () => {
  it.each([
    ["electron/core/store/imports-electron.ts", /electron\/core may not import the package "electron"/],
    ["electron/core/store/imports-renderer.ts", /electron\/core may not import from renderer/],
    ["electron/shared/imports-ws.ts", /electron\/shared may only import packages zod, not "ws"/],
    ["electron/engine/imports-core.ts", /electron\/engine may not import from electron\/core/],
    ["electron/main/imports-node-llama-cpp.ts", /electron\/main may not import the package "node-llama-cpp"/],
    ["electron/core/fit/imports-node-llama-cpp.ts", /electron\/core may not import the package "node-llama-cpp"/],
    ["renderer/imports-core.ts", /renderer may not import from electron\/core/],
    ["renderer/imports-node.ts", /renderer runs without Node and may not import node:fs/],
  ])("fails lint on the forbidden import in %s", async (file, message) => {
    const messages = await lint(file);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(message);
  });

  it.each([
    ["electron/core/kernel/imports-capability.ts", /the core's bottom tier \(kernel\) may not import the catalog capability/],
    ["electron/core/catalog/imports-composition.ts", /the catalog capability may not import the composition tier/],
    ["electron/core/catalog/imports-undeclared.ts", /the catalog capability may not import fit \(its declared dependencies: settings, hub\)/],
    ["electron/core/loose-file.ts", /files at the root of electron\/core belong in a tier folder/],
    ["electron/core/chat/imports-local-engine.ts", /the chat capability may never import local-engine: it generates through the interface in core\/generation/],
  ])("fails lint on the import across the core's tiers in %s", async (file, message) => {
    const messages = await lint(file);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(message);
  });

  it("accepts an allowed import", async () => {
    expect(await lint("electron/core/fit/allowed.ts")).toEqual([]);
    expect(await lint("electron/core/chat/allowed.ts")).toEqual([]);
    expect(await lint("renderer/allowed.ts")).toEqual([]);
    expect(await lint("electron/shared/contract/index.ts")).toEqual([]);
  });

  it("keeps the core's declared dependencies free of cycles, and finds one where there is", () => {
    expect(findTierCycle(CORE_TIERS.capabilities)).toBeNull();
    expect(findTierCycle({ a: ["b"], b: ["c"], c: ["a"], d: [] })).toEqual(["a", "b", "c", "a"]);
  });

  it("never lets chat, the API or remote reach the local engine, even if one declared it", () => {
    for (const [from, never] of Object.entries(CORE_NEVER)) {
      for (const to of never) {
        expect(CORE_TIERS.capabilities[from]).not.toContain(to);
        const problem = checkCoreImport(path.resolve(`electron/core/${from}/x.ts`), path.resolve(`electron/core/${to}/y.ts`), path.resolve("."));
        expect(problem).toMatch(/may never import local-engine/);
      }
    }
  });

  // The renderer's $shared alias is judged by where it resolves, so it cannot slip past the table.
  it("accepts the renderer's $shared alias for electron/shared", async () => {
    expect(await lint("renderer/allowed-alias.ts")).toEqual([]);
  });

  it.each([
    ["renderer/imports-core-through-alias.ts", /renderer may not import from electron\/core/],
    ["electron/core/store/imports-renderer-alias.ts", /electron\/core may not use the renderer's \$shared alias/],
  ])("fails lint on the aliased import in %s", async (file, message) => {
    const messages = await lint(file);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(message);
  });
});

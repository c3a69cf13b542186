// The patch that lets the engine skip node-llama-cpp's forked binary test (the reason Electron's
// RunAsNode fuse was on): it applies to the installed node-llama-cpp, and the patched check says
// "no test" exactly when the engine asks.
import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parsePatchFile } from "patch-package/dist/patch/parse.js";
import { executeEffects } from "patch-package/dist/patch/apply.js";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const target = "node_modules/node-llama-cpp/dist/bindings/getLlama.js";
const marker = "NODE_LLAMA_CPP_SKIP_BINARY_TEST";
let work: string | undefined;
afterAll(async () => work && rm(work, { recursive: true, force: true }));

/** getLlama.js with the patch applied: the installed file if install already patched it, else a patched copy. */
async function patchedGetLlama(): Promise<string> {
  const installed = await readFile(path.join(root, target), "utf8");
  if (installed.includes(marker)) return installed;
  const patches = parsePatchFile(await readFile(path.join(root, "patches/node-llama-cpp+3.21.1.patch"), "utf8"));
  const ours = patches.filter((p) => p.path === target);
  expect(ours).toHaveLength(1);
  work = await mkdtemp(path.join(os.tmpdir(), "r1-patch-"));
  await mkdir(path.dirname(path.join(work, target)), { recursive: true });
  await writeFile(path.join(work, target), installed);
  executeEffects(ours, { dryRun: false, cwd: work });
  return readFile(path.join(work, target), "utf8");
}

describe("node-llama-cpp's forked binary test can be skipped", () => {
  it("the patch applies, and a Linux prebuilt binary is tested unless the engine sets NODE_LLAMA_CPP_SKIP_BINARY_TEST", async () => {
    const source = await patchedGetLlama();
    const body = /function getShouldTestBinaryBeforeLoading\([^)]*\) \{[\s\S]*?\n\}\n/.exec(source)?.[0];
    expect(body).toContain(marker);
    const check = (env: Record<string, string>) =>
      (new Function("process", `${body!}; return getShouldTestBinaryBeforeLoading;`) as (p: unknown) => (o: unknown) => boolean)({ env })({
        isPrebuiltBinary: true,
        platform: "linux",
        platformInfo: { name: "Ubuntu", version: "24.04" },
        buildMetadata: { buildOptions: { gpu: "cuda", platformInfo: { name: "Ubuntu", version: "24.04" } } },
      });
    expect(check({})).toBe(true);
    expect(check({ [marker]: "true" })).toBe(false);
  });

  it("the engine process sets it before node-llama-cpp starts a backend", async () => {
    const engine = await readFile(path.join(root, "electron/engine/engine.ts"), "utf8");
    expect(engine.indexOf(`process.env.${marker} = "true"`)).toBeGreaterThan(-1);
    expect(engine.indexOf(`process.env.${marker} = "true"`)).toBeLessThan(engine.indexOf("new EngineHost("));
  });
});

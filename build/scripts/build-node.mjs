// Bundles the Node side for Electron: main (ESM), preload (CommonJS, as sandboxed preloads must be)
// and the engine process. node-llama-cpp stays external: it loads native binaries at run time;
// electron-updater too, as electron-builder's own runtime package it is shipped as a module.
import { build } from "esbuild";
import { existsSync } from "node:fs";

const engineEntry = "electron/engine/engine.ts";
// Without the engine the app starts and then fails on the first model load: refuse to build instead.
if (!existsSync(engineEntry)) {
  console.error(`build-node: the engine entry ${engineEntry} is missing; the app cannot run models without it.`);
  process.exit(1);
}

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  sourcemap: true,
  logLevel: "info",
  external: ["electron", "node-llama-cpp", "electron-updater"],
};
const esmBanner = { js: "import { createRequire as __r1CreateRequire } from 'node:module'; const require = __r1CreateRequire(import.meta.url);" };

await Promise.all([
  build({ ...common, entryPoints: ["electron/main/main.ts"], outfile: "out/main/main.js", format: "esm", banner: esmBanner }),
  build({ ...common, entryPoints: ["electron/preload/preload.ts"], outfile: "out/preload/preload.cjs", format: "cjs" }),
  build({ ...common, entryPoints: [engineEntry], outfile: "out/engine/engine.js", format: "esm", banner: esmBanner }),
  // GGUF headers are parsed on a worker thread; the core finds this file beside the main bundle.
  build({ ...common, entryPoints: ["electron/core/gguf/header-worker.ts"], outfile: "out/main/gguf-header-worker.js", format: "esm", banner: esmBanner }),
]);

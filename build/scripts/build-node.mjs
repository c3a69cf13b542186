// Bundles the Node side for Electron: main (ESM), preload (CommonJS, as sandboxed preloads must be)
// and the engine process. node-llama-cpp stays external: it loads native binaries at run time.
import { build } from "esbuild";
import { existsSync } from "node:fs";

const common = { bundle: true, platform: "node", target: "node20", sourcemap: true, logLevel: "info", external: ["electron", "node-llama-cpp"] };
const esmBanner = { js: "import { createRequire as __r1CreateRequire } from 'node:module'; const require = __r1CreateRequire(import.meta.url);" };

const jobs = [
  build({ ...common, entryPoints: ["electron/main/main.ts"], outfile: "out/main/main.js", format: "esm", banner: esmBanner }),
  build({ ...common, entryPoints: ["electron/preload/preload.ts"], outfile: "out/preload/preload.cjs", format: "cjs" }),
];
const engineEntry = ["electron/engine/main.ts", "electron/engine/engine.ts", "electron/engine/index.ts"].find((f) => existsSync(f));
if (engineEntry) {
  jobs.push(build({ ...common, entryPoints: [engineEntry], outfile: "out/engine/engine.js", format: "esm", banner: esmBanner }));
}
await Promise.all(jobs);

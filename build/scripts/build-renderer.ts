// `npm run build:renderer [-- --if-stale]`: builds the Svelte interface into out/renderer with vite and
// records which sources it was built from. With --if-stale (as `npm run serve` asks) a build from the
// same sources is reused.
import path from "node:path";
import { readCommandLine } from "../../electron/core/kernel/command-line.js";
import { recordRendererBuild, rendererBuildState, rendererSourcesDigest } from "./renderer-freshness.js";

const root = path.resolve(import.meta.dirname, "../..");

const { values } = readCommandLine({
  command: "npm run build:renderer --",
  usage: `Usage: npm run build:renderer -- [--if-stale]

Builds the interface (renderer/) into out/renderer with vite.

Options:
  --if-stale   build only if the sources changed since the last build (serve mode uses this)
  -h, --help   show this help`,
  config: { options: { "if-stale": { type: "boolean", default: false } } },
});

if (values["if-stale"]) {
  const state = rendererBuildState(root);
  if (state.upToDate) {
    console.log("The interface's build (out/renderer) is up to date: reusing it.");
    process.exit(0);
  }
  console.log(`Building the interface: ${state.reason}.`);
}
const digest = rendererSourcesDigest(root);
// vite is loaded only when a build is due: reusing one stays quick.
const { build } = await import("vite");
// Serve mode's build says one line, not vite's list of every asset; problems still show.
await build({ configFile: path.join(root, "vite.config.ts"), root: path.join(root, "renderer"), logLevel: values["if-stale"] ? "warn" : "info" });
recordRendererBuild(root, digest);
if (values["if-stale"]) console.log("Built the interface into out/renderer.");

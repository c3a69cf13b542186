// `npm run dev`: the renderer from Vite's dev server (hot reload) inside Electron.
import { spawn } from "node:child_process";
import { readCommandLine } from "../../electron/core/kernel/command-line.js";
import { ensureElectron } from "./electron-runtime.js";

readCommandLine({
  command: "npm run dev --",
  usage: `Usage: npm run dev

Opens the app in Electron with the interface served by Vite's dev server, which reloads it as you
edit renderer/. Main, preload and engine are built once at start. Needs the Electron runtime (it is
fetched if missing); without it, use \`npm run serve\` in a browser.`,
  config: {},
});

// Before Vite starts: without Electron there is nothing to open, and the person is told why.
const electronBin = ensureElectron();
if (!electronBin) process.exit(1);

const { createServer } = await import("vite");
const server = await createServer({ configFile: "vite.config.ts" });
await server.listen();
const url = server.resolvedUrls?.local[0];
if (!url) throw new Error("Vite did not report a local URL.");
const buildNode = spawn(process.execPath, ["build/scripts/build-node.mjs"], { stdio: "inherit" });
await new Promise((resolve, reject) => buildNode.on("exit", (code) => (code === 0 ? resolve(undefined) : reject(new Error(`build failed (${code})`)))));
const electron = spawn(electronBin, ["."], { stdio: "inherit", env: { ...process.env, R1_RENDERER_URL: url } });
electron.on("exit", async (code) => {
  await server.close();
  process.exit(code ?? 0);
});

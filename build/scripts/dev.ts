// `npm run dev`: the renderer from Vite's dev server (hot reload) inside Electron.
import { spawn } from "node:child_process";
import { createServer } from "vite";

const server = await createServer({ configFile: "vite.config.ts" });
await server.listen();
const url = server.resolvedUrls?.local[0];
if (!url) throw new Error("Vite did not report a local URL.");
const buildNode = spawn(process.execPath, ["build/scripts/build-node.mjs"], { stdio: "inherit" });
await new Promise((resolve, reject) => buildNode.on("exit", (code) => (code === 0 ? resolve(undefined) : reject(new Error(`build failed (${code})`)))));
const electronBin = (await import("electron")).default;
const electron = spawn(electronBin, ["."], { stdio: "inherit", env: { ...process.env, R1_RENDERER_URL: url } });
electron.on("exit", async (code) => {
  await server.close();
  process.exit(code ?? 0);
});

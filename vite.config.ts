import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vite";
import { rendererAlias } from "./build/renderer-alias.js";

// The renderer: built to out/renderer, served by Electron (file://) or by serve mode.
export default defineConfig({
  root: "renderer",
  base: "./",
  plugins: [svelte()],
  resolve: { alias: rendererAlias() },
  build: { outDir: "../out/renderer", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 2000 },
  server: { port: 5173, strictPort: false },
});

import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vitest/config";
import { rendererAlias } from "./build/renderer-alias.js";

// Three projects, as node-llama-cpp separates its tests: plain logic (unit), real llama.cpp on
// generated models (model), and real Chromium over serve mode (e2e).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          environment: "node",
          testTimeout: 30_000,
        },
      },
      {
        plugins: [svelte()],
        // Tests here import renderer state classes directly, so they resolve the renderer's aliases.
        resolve: { alias: rendererAlias() },
        test: {
          name: "ui",
          include: ["test/ui/**/*.test.ts"],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: "model",
          include: ["test/model/**/*.test.ts"],
          environment: "node",
          testTimeout: 180_000,
          hookTimeout: 300_000,
          // llama.cpp tests share 2 cores: running them one file at a time keeps timings sane.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 240_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});

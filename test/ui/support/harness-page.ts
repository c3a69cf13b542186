import { afterAll, beforeAll } from "vitest";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { build, preview, type PreviewServer } from "vite";
import { rendererAlias } from "../../../build/renderer-alias.js";
import { launchGuardedChromium, type GuardedBrowser } from "../../support/browser/chromium.js";

const harnessRoot = path.resolve(import.meta.dirname, "../harness");

export interface HarnessPage {
  page: Page;
  browser: GuardedBrowser;
  /** Opens one fixture (see test/ui/harness/main.ts) and waits until it has mounted. */
  open(fixture: string, query?: Record<string, string>): Promise<Page>;
  close(): Promise<void>;
}

/** Starts the harness before this file's tests and closes it after; call once at module level. */
export function useHarness(options: Parameters<typeof startHarness>[0] = {}): Pick<HarnessPage, "open"> {
  let started: HarnessPage | undefined;
  beforeAll(async () => {
    started = await startHarness(options);
  }, 120_000);
  afterAll(async () => started?.close());
  return { open: (...args) => started!.open(...args) };
}

/**
 * Builds the component harness with Vite (production mode, as the app ships), serves it on
 * 127.0.0.1 and opens it in real Chromium. Component tests and the ui-streaming benchmark use it.
 */
export async function startHarness(options: { viewport?: { width: number; height: number } } = {}): Promise<HarnessPage> {
  const outDir = await mkdtemp(path.join(os.tmpdir(), "r1-ui-harness-"));
  await build({
    root: harnessRoot,
    base: "./",
    logLevel: "warn",
    configFile: false,
    plugins: [svelte()],
    resolve: { alias: rendererAlias() },
    build: { outDir, emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 4000, minify: true },
  });
  const server: PreviewServer = await preview({
    root: harnessRoot,
    configFile: false,
    logLevel: "warn",
    build: { outDir },
    preview: { host: "127.0.0.1", port: 0, strictPort: false },
  });
  const address = server.httpServer.address();
  if (!address || typeof address === "string") throw new Error("The harness server has no port.");
  const origin = `http://127.0.0.1:${address.port}`;
  const browser = await launchGuardedChromium(options.viewport);
  const { page } = browser;
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));
  return {
    page,
    browser,
    async open(fixture, query = {}) {
      const params = new URLSearchParams({ fixture, ...query });
      await page.goto(`${origin}/index.html?${params}`);
      await page
        .waitForFunction(() => (globalThis as unknown as { harnessReady?: boolean }).harnessReady === true, null, { timeout: 20_000 })
        .catch((err: unknown) => {
          throw new Error(`Fixture ${fixture} did not mount: ${errors.join("; ") || String(err)}`);
        });
      return page;
    },
    async close() {
      await browser.close();
      await server.close();
      await rm(outDir, { recursive: true, force: true });
    },
  };
}

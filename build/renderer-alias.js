// The renderer's import aliases, in one place for every tool that resolves renderer imports: Vite
// (vite.config.ts), the UI tests and their harness (vitest.config.ts, test/ui/support/harness-page.ts)
// and the layering lint rule. tsconfig.web.json repeats them as `paths`, as JSON cannot import.
import path from "node:path";

/** Alias → folder, relative to the project root. */
export const RENDERER_ALIASES = { $shared: "electron/shared" };

/** The aliases as absolute folders under `root`, in the shape Vite's `resolve.alias` takes. */
export function rendererAlias(root = path.resolve(import.meta.dirname, "..")) {
  return Object.fromEntries(Object.entries(RENDERER_ALIASES).map(([alias, folder]) => [alias, path.join(root, folder)]));
}

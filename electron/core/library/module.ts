import { homedir } from "node:os";
import path from "node:path";
import type { CapabilityModule, CoreContext } from "../kernel/context.js";
import { discoverModels, knownModelFolders } from "./discover.js";
import { ModelLibrary, type GgufValidator } from "./library.js";
import { validateGguf } from "./validator.js";

export interface LibraryDeps {
  /** Where copied-in models go: the models folder the settings name. */
  modelsDir: () => string;
  /** Tests pass a stricter or a failing one. */
  validate?: GgufValidator;
  /** Where other apps' model folders are looked for (a fake home in tests). */
  home?: string;
}

/** The models on this machine: downloaded, copied in or used in place, and other apps' models found. */
export async function createLibraryModule(ctx: CoreContext, deps: LibraryDeps): Promise<CapabilityModule<ModelLibrary>> {
  const library = new ModelLibrary({ file: path.join(ctx.dataDir, "library.json"), modelsDir: deps.modelsDir, validate: deps.validate ?? validateGguf });
  const { notice } = await library.init();
  if (notice) ctx.emit("app.notice", { level: "warning", message: notice });
  library.onChange((models) => ctx.emit("library.changed", { models }));
  const home = deps.home ?? homedir();
  return {
    service: library,
    handlers: {
      "library.list": async () => ({ models: await library.list() }),
      "library.delete": ({ id }) => library.delete(id),
      "library.import": async ({ path: file, mode }) => ({ model: await library.import(file, mode) }),
      "library.discover": async () => ({
        found: await discoverModels(home, (file) => library.has(file), ctx.env),
        searched: knownModelFolders(home, ctx.env),
      }),
    },
  };
}

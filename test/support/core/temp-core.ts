import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { AppCore } from "../../../electron/core/composition/app-core.js";

/** A real core over a fresh data directory, removed again by `dispose`. */
export async function createTempCore(env: Record<string, string | undefined> = {}): Promise<{ core: AppCore; dataDir: string; dispose: () => Promise<void> }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "r1-core-"));
  const core = await AppCore.create({ dataDir, mode: "serve", env: { ...env, HOME: dataDir } });
  return {
    core,
    dataDir,
    dispose: async () => {
      await core.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

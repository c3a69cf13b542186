import type { CoreContext, CoreModule } from "../core-context.js";
import { EngineService, type EngineDefaults, type ModelFileCheck } from "./engine-service.js";
import { NodeEngineLauncher, type EngineLauncher } from "./launcher.js";
import { checkModelFile } from "./model-file-check.js";

declare module "../services.js" {
  interface CoreServices {
    /** The engine process: load/unload, backends, and streamed generation (see EngineService). */
    engine: EngineService;
  }
}

let launcherOverride: EngineLauncher | undefined;

/**
 * Electron main calls this before creating the core, with a launcher built on utilityProcess.fork
 * (entry: `resolveEngineEntry()`); without it the engine is started with child_process.fork.
 */
export function useEngineLauncher(launcher: EngineLauncher | undefined): void {
  launcherOverride = launcher;
}

/** The engine capability's handlers. The engine process starts on first use, not with the core. */
export async function createEngineModule(ctx: CoreContext, options: { launcher?: EngineLauncher; checkFile?: ModelFileCheck } = {}): Promise<CoreModule> {
  const settings = () => (ctx.services.has("settings") ? ctx.services.get("settings").get() : undefined);
  const defaults: EngineDefaults = {
    backend: () => settings()?.gpuBackend ?? "auto",
    threads: () => {
      const threads = settings()?.threads;
      return typeof threads === "number" ? threads : undefined;
    },
    contextSize: () => settings()?.contextSize ?? 4096,
  };
  let launcher = options.launcher ?? launcherOverride;
  const service = new EngineService(
    {
      launch: () => {
        launcher ??= new NodeEngineLauncher();
        return launcher.launch();
      },
    },
    defaults,
    options.checkFile ?? checkModelFile,
    (report) => ctx.emit("engine.crashed", report),
  );
  ctx.services.provide("engine", service);

  return {
    handlers: {
      "engine.status": () => service.status(),
      "engine.backends": ({ backend }) => service.backends(backend),
      "engine.load": async (request) => {
        const prepared = await service.prepareLoad(request);
        const jobId = ctx.jobs.start("load", async (job) => {
          try {
            const model = await service.loadPrepared(prepared, {
              signal: job.signal,
              onProgress: (progress) => ctx.emit("engine.loadProgress", { jobId: job.id, path: prepared.path, progress }),
            });
            ctx.emit("engine.loaded", { jobId: job.id, model });
          } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            ctx.emit("engine.loadFailed", { jobId: job.id, path: prepared.path, message, cancelled: job.signal.aborted });
          }
        });
        return { jobId };
      },
      "engine.unload": async () => {
        const result = await service.unload();
        if (result.unloaded && result.path) ctx.emit("engine.unloaded", { path: result.path });
        return { unloaded: result.unloaded };
      },
    },
    close: () => service.close(),
  };
}


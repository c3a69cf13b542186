import path from "node:path";
import type { SettingsService } from "../settings/settings-service.js";
import type { SavedContextCache } from "../saved-context/saved-context-cache.js";
import type { CapabilityModule, CoreContext } from "../kernel/context.js";
import { EngineService, type ContextPlanner, type DraftCandidates, type EngineDefaults, type ModelFileCheck, type VariantOfFile } from "./engine-service.js";
import type { EngineLauncher } from "./launcher.js";
import { checkModelFile } from "./model-file-check.js";
import { ThreadChoices } from "./thread-choices.js";
import { damageNotice } from "../kernel/damage-notice.js";

export interface EngineDeps {
  settings: Pick<SettingsService, "get">;
  /** How long a backend may take to start before the engine is ended as hung (tests shorten it). */
  startTimeoutMs?: number;
  /** How the engine process starts: child_process.fork in Node, utilityProcess.fork in Electron. */
  launcher: EngineLauncher;
  /** Refuses a bad model file before llama.cpp sees it; tests may pass a stricter one. */
  checkFile?: ModelFileCheck;
  /** Plans "auto" contexts (room to reason) from the fit estimator; without it "auto" is 8K. */
  planContext?: ContextPlanner;
  /** Conversations' saved contexts; without it every return to a conversation evaluates it again. */
  savedContexts?: SavedContextCache;
  /** The library's model files, where speculative decoding finds a draft; without it only a draft the load names is used. */
  draftCandidates?: DraftCandidates;
  /** The catalog variant a file is, for a load that names only its path. */
  variantOf?: VariantOfFile;
}

/** The engine capability: one model, one response per sequence at a time, in its own process (started on first use). */
export function createEngineModule(ctx: CoreContext, deps: EngineDeps): CapabilityModule<EngineService> {
  const settings = () => deps.settings.get();
  const defaults: EngineDefaults = {
    backend: () => settings().gpuBackend,
    threads: () => {
      const threads = settings().threads;
      return typeof threads === "number" ? threads : undefined;
    },
    contextSize: () => settings().contextSize,
    kvCacheType: () => settings().kvCacheType,
    speculativeDecoding: () => settings().speculativeDecoding,
    parallelRequests: () => settings().parallelRequests,
  };
  const threadChoices = new ThreadChoices(
    ctx.dataDir,
    damageNotice(ctx, "The list of thread counts measured on this computer", "they will be measured again at the next load."),
  );
  void threadChoices.load().catch(() => undefined);
  // The engine keeps, in the data folder, the backends that crashed it while starting ("auto" skips them).
  const engineDir = path.join(ctx.dataDir, "engine");
  const launcher: EngineLauncher = { launch: (env) => deps.launcher.launch({ ...env, R1_ENGINE_STATE_DIR: engineDir }) };
  const service = new EngineService(
    launcher,
    defaults,
    deps.checkFile ?? checkModelFile,
    (report) => ctx.emit("engine.crashed", report),
    deps.planContext,
    threadChoices,
    deps.savedContexts,
    deps.draftCandidates,
    deps.variantOf,
    deps.startTimeoutMs,
  );

  let toldNotice: string | undefined;
  return {
    service,
    handlers: {
      "engine.status": () => service.status(),
      "engine.backends": async ({ backend }) => {
        const info = await service.backends(backend);
        if (info.notice && info.notice !== toldNotice) ctx.emit("app.notice", { level: "warning", message: info.notice });
        toldNotice = info.notice;
        return info;
      },
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

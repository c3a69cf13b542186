import type { HardwareService } from "../hardware/module.js";
import type { CoreContext, CoreModule } from "../kernel/context.js";

export interface AppDeps {
  hardware: HardwareService;
}

/** Calls about the app itself: version, data dir, the status line's hardware summary, and job cancel. */
export function createAppModule(ctx: CoreContext, deps: AppDeps): CoreModule {
  return {
    handlers: {
      "app.info": () => ({
        name: "R1 Local",
        version: ctx.version,
        dataDir: ctx.dataDir,
        mode: ctx.mode,
        platform: `${process.platform}-${process.arch}`,
      }),
      "app.hardwareSummary": async () => {
        const hardware = await deps.hardware.probe();
        return {
          cpu: hardware.cpu.model,
          cores: hardware.cpu.cores,
          ramTotalBytes: hardware.ramTotalBytes,
          ramFreeBytes: hardware.ramFreeBytes,
          gpus: hardware.gpus.map((gpu) => ({ name: gpu.name, vramTotalBytes: gpu.vramTotalBytes, vramFreeBytes: gpu.vramFreeBytes })),
          backend: hardware.backend,
        };
      },
      "jobs.cancel": ({ jobId }) => ({ cancelled: ctx.jobs.cancel(jobId) }),
    },
  };
}

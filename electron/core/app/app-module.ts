import type { CoreContext, CoreModule } from "../core-context.js";

/** Calls about the app itself: version, data dir and the status line's hardware summary. */
export function createAppModule(ctx: CoreContext): CoreModule {
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
        const hardware = await ctx.services.get("hardware").probe();
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

import os from "node:os";
import type { CoreContext, CoreModule } from "../core-context.js";

/** Calls about the app itself: version, data dir and a first hardware summary. */
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
      "app.hardwareSummary": () => ({
        cpu: os.cpus()[0]?.model.trim() ?? "unknown CPU",
        cores: os.availableParallelism(),
        ramTotalBytes: os.totalmem(),
        ramFreeBytes: os.freemem(),
        gpus: [],
        backend: "cpu",
      }),
      "jobs.cancel": ({ jobId }) => ({ cancelled: ctx.jobs.cancel(jobId) }),
    },
  };
}

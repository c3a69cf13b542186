import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { HardwareService } from "../hardware/module.js";
import type { CoreContext, CoreModule } from "../kernel/context.js";

export interface AppDeps {
  hardware: HardwareService;
  /** Electron main's `shell.openPath`; true when the folder opened. Absent in serve mode. */
  openFolder?: (folder: string) => Promise<boolean>;
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
      "app.openLogFolder": async () => {
        // Only the log's own folder, never a path from the caller.
        const folder = ctx.log.folder ?? path.join(ctx.dataDir, "logs");
        await mkdir(folder, { recursive: true, mode: 0o700 });
        const opened = ctx.mode === "electron" && deps.openFolder ? await deps.openFolder(folder) : false;
        return { opened, folder };
      },
      "jobs.cancel": ({ jobId }) => ({ cancelled: ctx.jobs.cancel(jobId) }),
    },
  };
}

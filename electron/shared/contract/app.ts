import { z } from "zod";
import { call, JobId } from "./define.js";

export const HardwareSummary = z.object({
  cpu: z.string(),
  cores: z.number().int(),
  ramTotalBytes: z.number(),
  ramFreeBytes: z.number(),
  gpus: z.array(z.object({ name: z.string(), vramTotalBytes: z.number(), vramFreeBytes: z.number() })),
  backend: z.string(),
});
export type HardwareSummary = z.infer<typeof HardwareSummary>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  dataDir: z.string(),
  mode: z.enum(["electron", "serve"]),
  platform: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const appCalls = {
  "app.info": call(z.object({}).strict(), AppInfo),
  "app.hardwareSummary": call(z.object({}).strict(), HardwareSummary),
  /**
   * Opens the folder of the log file on the computer running the core (Electron); where the core
   * cannot open a folder on the viewer's screen (serve mode), `opened` is false and the path is shown.
   */
  "app.openLogFolder": call(z.object({}).strict(), z.object({ opened: z.boolean(), folder: z.string() })),
  /** Cancels any job (download, model load, generation); crosses into the engine process. */
  "jobs.cancel": call(z.object({ jobId: JobId }).strict(), z.object({ cancelled: z.boolean() })),
};

export const appEvents = {
  /** A job ended in failure that no call is waiting for; the text is for people. */
  "app.notice": z.object({ level: z.enum(["info", "warning", "error"]), message: z.string() }),
  /** A command from the native shell (the Electron menu) for the window; the core never emits it. */
  "app.command": z.object({ command: z.enum(["new-chat"]) }),
};

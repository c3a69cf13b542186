import { NodeEngineLauncher, type EngineLauncher } from "../local-engine/launcher.js";
import type { CoreContext, CoreModule } from "../kernel/context.js";
import { Dispatcher } from "../kernel/dispatcher.js";
import type { CoreEndpoint } from "../kernel/endpoint.js";
import { EventBus, type EventListener } from "../kernel/event-bus.js";
import { JobRegistry } from "../kernel/jobs.js";
import { RotatingLogFile, type CoreLog } from "../kernel/log-file.js";
import path from "node:path";
import { closeModules, composeCapabilities } from "./capabilities.js";
import { createPrivateFolder } from "./data-dir.js";
import { lockDataDir } from "./data-dir-lock.js";
import type { Updater } from "../updates/updater.js";
import { appVersion } from "./version.js";
import { loggingEmit } from "./log-link.js";

export interface AppCoreOptions {
  dataDir: string;
  mode: "electron" | "serve";
  env?: Record<string, string | undefined>;
  /** Electron main passes one built on utilityProcess.fork; Node uses child_process.fork. */
  engineLauncher?: EngineLauncher;
  /** Electron main passes electron-updater's, in an installed app; without one, updates are "unsupported". */
  updater?: Updater;
  /** Where the core writes what went wrong; by default `logs/r1-local.log` in the data folder. */
  log?: CoreLog;
  /** Electron main passes `shell.openPath`, so "Open log folder" opens it; serve mode shows the path instead. */
  openFolder?: (folder: string) => Promise<boolean>;
}

interface Parts {
  dispatcher: Dispatcher;
  bus: EventBus;
  jobs: JobRegistry;
  modules: readonly CoreModule[];
  unlock: () => void;
}

/** The composed app core: every capability behind one dispatcher and one event bus. */
export class AppCore implements CoreEndpoint {
  readonly #parts: Parts;

  private constructor(parts: Parts) {
    this.#parts = parts;
  }

  static async create(options: AppCoreOptions): Promise<AppCore> {
    await createPrivateFolder(options.dataDir);
    const unlock = lockDataDir(options.dataDir);
    const bus = new EventBus();
    const log = options.log ?? new RotatingLogFile(path.join(options.dataDir, "logs"));
    const jobs = new JobRegistry(log);
    const ctx: CoreContext = {
      dataDir: options.dataDir,
      mode: options.mode,
      version: appVersion(),
      env: options.env ?? process.env,
      jobs,
      emit: loggingEmit(bus.emit, log),
      log,
    };
    log.info(`R1 Local ${ctx.version} started (${options.mode} mode).`);
    let node: NodeEngineLauncher | undefined;
    // Resolved on first launch: the core starts (and its tests run) without a built engine.
    const engineLauncher = options.engineLauncher ?? { launch: (env) => (node ??= new NodeEngineLauncher()).launch(env) };
    try {
      const modules = await composeCapabilities(ctx, { bus, engineLauncher, updater: options.updater, openFolder: options.openFolder });
      try {
        const dispatcher = Dispatcher.complete(Object.assign({}, ...modules.map((m) => m.handlers)), log);
        return new AppCore({ dispatcher, bus, jobs, modules, unlock });
      } catch (err) {
        await closeModules(modules);
        throw err;
      }
    } catch (err) {
      unlock();
      throw err;
    }
  }

  dispatch(name: unknown, payload: unknown) {
    return this.#parts.dispatcher.dispatch(name, payload);
  }

  subscribe(listener: EventListener): () => void {
    return this.#parts.bus.subscribe(listener);
  }

  async close(): Promise<void> {
    const { jobs, modules, unlock } = this.#parts;
    for (const id of jobs.running()) jobs.cancel(id);
    try {
      await closeModules(modules);
    } finally {
      unlock();
    }
  }
}

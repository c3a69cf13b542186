import { mkdir } from "node:fs/promises";
import { callNames, type EventName, type EventPayload } from "../shared/contract/index.js";
import { createModules } from "./compose.js";
import type { CoreContext, CoreModule } from "./core-context.js";
import { JobRegistry } from "./jobs/job-registry.js";
import { ServiceRegistry } from "./services.js";
import { Dispatcher, type Handlers } from "./transport/dispatcher.js";
import { appVersion } from "./app/version.js";
import { lockDataDir } from "./app/data-dir-lock.js";

export interface AppCoreOptions {
  dataDir: string;
  mode: "electron" | "serve";
  env?: Record<string, string | undefined>;
}

type Listener = (name: EventName, payload: unknown) => void;

/** The composition root of the core: every capability module, one dispatcher, one event bus. */
export class AppCore {
  private readonly listeners = new Set<Listener>();
  private modules: CoreModule[] = [];
  /** Events emitted before anyone listened (start-up repairs, say), handed to the first listener. */
  private early: [EventName, unknown][] | undefined = [];
  private unlock: () => void = () => {};
  readonly jobs = new JobRegistry();
  dispatcher!: Dispatcher;

  private constructor(readonly options: AppCoreOptions) {}

  static async create(options: AppCoreOptions): Promise<AppCore> {
    const core = new AppCore(options);
    await mkdir(options.dataDir, { recursive: true });
    core.unlock = lockDataDir(options.dataDir);
    const ctx: CoreContext = {
      dataDir: options.dataDir,
      mode: options.mode,
      version: appVersion(),
      env: options.env ?? process.env,
      jobs: core.jobs,
      services: new ServiceRegistry(),
      emit: (name, payload) => core.emit(name, payload),
      observe: (listener) => {
        core.listeners.add(listener);
        return () => core.listeners.delete(listener);
      },
    };
    try {
      core.modules = await createModules(ctx);
      const handlers = Object.assign({}, ...core.modules.map((m) => m.handlers)) as Partial<Handlers>;
      const missing = callNames.filter((name) => !handlers[name]);
      if (missing.length) throw new Error(`No handler for: ${missing.join(", ")}`);
      core.dispatcher = new Dispatcher(handlers as Handlers);
    } catch (err) {
      await core.close();
      throw err;
    }
    return core;
  }

  dispatch(name: unknown, payload: unknown) {
    return this.dispatcher.dispatch(name, payload);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    const early = this.early;
    this.early = undefined;
    for (const [name, payload] of early ?? []) listener(name, payload);
    return () => this.listeners.delete(listener);
  }

  private emit<K extends EventName>(name: K, payload: EventPayload<K>): void {
    if (this.early && this.early.length < 100) this.early.push([name, payload]);
    for (const listener of this.listeners) listener(name, payload);
  }

  async close(): Promise<void> {
    for (const id of this.jobs.running()) this.jobs.cancel(id);
    try {
      for (const m of [...this.modules].reverse()) await m.close?.();
    } finally {
      this.unlock();
    }
  }
}

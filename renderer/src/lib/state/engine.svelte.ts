import type { EngineStatus, LoadedModel, LoadRequest } from "$shared/contract/engine.js";
import { api } from "../api/client.js";
import { messageOf } from "../attempt.js";

export type { LoadedModel, LoadRequest };

export interface EngineGateway {
  status(): Promise<EngineStatus>;
  load(request: LoadRequest): Promise<{ jobId: string }>;
  unload(): Promise<void>;
  cancel(jobId: string): Promise<void>;
  onProgress(listener: (e: { jobId: string; progress: number }) => void): () => void;
  onLoaded(listener: (e: { jobId: string; model: LoadedModel }) => void): () => void;
  onLoadFailed(listener: (e: { jobId: string; message: string; cancelled: boolean }) => void): () => void;
  onCrashed(listener: (e: { message: string; restarted: boolean }) => void): () => void;
}

export const coreEngineGateway: EngineGateway = {
  status: () => api.call("engine.status", {}),
  load: (request) => api.call("engine.load", request),
  unload: async () => void (await api.call("engine.unload", {})),
  cancel: async (jobId) => void (await api.call("jobs.cancel", { jobId })),
  onProgress: (listener) => api.on("engine.loadProgress", listener),
  onLoaded: (listener) => api.on("engine.loaded", listener),
  onLoadFailed: (listener) => api.on("engine.loadFailed", listener),
  onCrashed: (listener) => api.on("engine.crashed", listener),
};

/** What the app hears from the engine: the name people know a model by, and a finished load. */
export interface EngineListeners {
  /** The catalog name of the file's variant, else the file's name (the GGUF's own name is often internal). */
  nameOf?(model: LoadedModel): string;
  loaded?(model: LoadedModel): void;
  loadFailed?(): void;
}

/** Which model is loaded, and the load in progress if any. */
export class EngineState {
  #loaded = $state<LoadedModel | undefined>();
  #loadingJobId = $state<string | undefined>();
  #loadingName = $state<string | undefined>();
  #loadingPath = $state<string | undefined>();
  #progress = $state(0);
  #error = $state<string | undefined>();

  constructor(
    private readonly gateway: EngineGateway = coreEngineGateway,
    private readonly listeners: EngineListeners = {},
  ) {}

  get loaded(): LoadedModel | undefined {
    return this.#loaded;
  }

  /** The load in progress; undefined when none is. */
  get loadingJobId(): string | undefined {
    return this.#loadingJobId;
  }

  get loadingName(): string | undefined {
    return this.#loadingName;
  }

  /** The file being loaded; undefined when no load runs. */
  get loadingPath(): string | undefined {
    return this.#loadingJobId ? this.#loadingPath : undefined;
  }

  /** The loaded model as people know it. */
  get loadedName(): string | undefined {
    const model = this.#loaded;
    if (!model) return undefined;
    return this.listeners.nameOf?.(model) ?? model.name;
  }

  get progress(): number {
    return this.#progress;
  }

  get error(): string | undefined {
    return this.#error;
  }

  /** Why chatting is not possible right now, in words; undefined when it is. */
  get unavailableReason(): string | undefined {
    if (this.#loadingJobId) return `Loading ${this.#loadingName ?? "the model"}… ${Math.round(this.#progress * 100)}%`;
    if (!this.#loaded) return "No model is loaded. Load one from your Library (in Downloads), or download one in Models.";
    return undefined;
  }

  connect(): void {
    this.gateway.onProgress((e) => {
      if (e.jobId === this.#loadingJobId) this.#progress = e.progress;
    });
    this.gateway.onLoaded((e) => {
      if (e.jobId !== this.#loadingJobId) return;
      this.#loadingJobId = undefined;
      this.#loaded = e.model;
      this.listeners.loaded?.(e.model);
    });
    this.gateway.onLoadFailed((e) => {
      if (e.jobId !== this.#loadingJobId) return;
      this.#loadingJobId = undefined;
      this.#error = e.cancelled ? undefined : e.message;
      this.listeners.loadFailed?.();
    });
    this.gateway.onCrashed((e) => {
      this.#error = e.message;
      if (!e.restarted) this.#loaded = undefined;
      void this.refresh();
    });
  }

  async refresh(): Promise<void> {
    try {
      this.#loaded = (await this.gateway.status()).model ?? undefined;
    } catch (err) {
      this.#error = messageOf(err);
    }
  }

  async load(request: LoadRequest, name: string): Promise<void> {
    this.#error = undefined;
    this.#progress = 0;
    this.#loadingName = name;
    this.#loadingPath = request.path;
    try {
      this.#loadingJobId = (await this.gateway.load(request)).jobId;
    } catch (err) {
      this.#loadingJobId = undefined;
      this.#error = messageOf(err);
    }
  }

  async cancelLoad(): Promise<void> {
    if (this.#loadingJobId) await this.gateway.cancel(this.#loadingJobId);
  }

  async unload(): Promise<void> {
    await this.gateway.unload();
    this.#loaded = undefined;
  }
}

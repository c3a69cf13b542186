import type { DiscoveredModel, DownloadProgress, DownloadState, LibraryModel, SearchedFolder } from "$shared/contract/downloads.js";
import { api } from "../api/client.js";
import { attempt } from "../attempt.js";

export type { DiscoveredModel, DownloadProgress, DownloadState, LibraryModel, SearchedFolder };

/** What a look through other apps' model folders found, and where it looked. */
export interface Discovery {
  found: DiscoveredModel[];
  searched: SearchedFolder[];
}

/** What downloads and the library need from the core; the only place their calls are named. */
export interface DownloadsGateway {
  list(): Promise<DownloadProgress[]>;
  start(modelId: string, variantId: string): Promise<DownloadProgress>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  cancel(id: string): Promise<void>;
  onProgress(listener: (item: DownloadProgress) => void): () => void;
  library(): Promise<LibraryModel[]>;
  onLibraryChanged(listener: (models: LibraryModel[]) => void): () => void;
  remove(id: string): Promise<void>;
  importFile(path: string): Promise<LibraryModel>;
  discover(): Promise<Discovery>;
}

export const coreDownloadsGateway: DownloadsGateway = {
  list: async () => (await api.call("downloads.list", {})).downloads,
  start: async (modelId, variantId) => (await api.call("downloads.start", { source: { modelId, variantId } })).download,
  pause: async (id) => void (await api.call("downloads.pause", { id })),
  resume: async (id) => void (await api.call("downloads.resume", { id })),
  cancel: async (id) => void (await api.call("downloads.cancel", { id })),
  onProgress: (listener) => api.on("downloads.progress", listener),
  library: async () => (await api.call("library.list", {})).models,
  onLibraryChanged: (listener) => api.on("library.changed", (e) => listener(e.models)),
  remove: async (id) => void (await api.call("library.delete", { id })),
  importFile: async (path) => (await api.call("library.import", { path })).model,
  discover: () => api.call("library.discover", {}),
};

/** What the app hears from downloads: how one ended (shown as a toast), and each new library list. */
export interface DownloadsListeners {
  outcome?(outcome: "done" | "failed", item: DownloadProgress): void;
  libraryChanged?(library: LibraryModel[]): void;
}

/** Downloads in progress (one rune object each, so a progress tick updates one row) and the library. */
export class DownloadsState {
  #items = $state<DownloadProgress[]>([]);
  #library = $state<LibraryModel[]>([]);
  #error = $state<string | undefined>();
  #discovery = $state<Discovery | undefined>();
  #discovering = $state(false);

  constructor(
    private readonly gateway: DownloadsGateway = coreDownloadsGateway,
    private readonly listeners: DownloadsListeners = {},
  ) {}

  get items(): DownloadProgress[] {
    return this.#items;
  }

  get library(): LibraryModel[] {
    return this.#library;
  }

  get error(): string | undefined {
    return this.#error;
  }

  /** The last look through other apps' folders; undefined before the first. */
  get discovery(): Discovery | undefined {
    return this.#discovery;
  }

  get discovering(): boolean {
    return this.#discovering;
  }

  get active(): DownloadProgress[] {
    return this.#items.filter((d) => d.state !== "done" && d.state !== "cancelled");
  }

  connect(): void {
    this.gateway.onProgress((update) => {
      const before = this.#items.find((d) => d.id === update.id)?.state;
      this.upsert(update);
      if (update.state === "done") void this.loadLibrary();
      // Only the step into the end state is news; a repeated event is not told twice.
      if ((update.state === "done" || update.state === "failed") && before !== update.state) this.listeners.outcome?.(update.state, update);
    });
    this.gateway.onLibraryChanged((models) => this.#setLibrary(models));
  }

  async load(): Promise<void> {
    await this.guard(async () => {
      this.#items = await this.gateway.list();
      await this.loadLibrary();
    });
  }

  async loadLibrary(): Promise<void> {
    await this.guard(async () => this.#setLibrary(await this.gateway.library()));
  }

  find(variantId: string): DownloadProgress | undefined {
    return this.#items.find((d) => d.variantId === variantId && d.state !== "cancelled");
  }

  installed(variantId: string): LibraryModel | undefined {
    return this.#library.find((m) => m.variantId === variantId);
  }

  async start(modelId: string, variantId: string): Promise<void> {
    await this.guard(async () => this.upsert(await this.gateway.start(modelId, variantId)));
  }

  readonly pause = (id: string) => this.act(id, "paused", () => this.gateway.pause(id));
  readonly resume = (id: string) => this.act(id, "downloading", () => this.gateway.resume(id));
  readonly cancel = (id: string) => this.act(id, "cancelled", () => this.gateway.cancel(id));
  /** A failed download starts again from where its verified bytes end. */
  readonly retry = (id: string) => this.act(id, "downloading", () => this.gateway.resume(id));

  async removeModel(id: string): Promise<void> {
    await this.guard(async () => {
      await this.gateway.remove(id);
      this.#setLibrary(this.#library.filter((m) => m.id !== id));
    });
  }

  async importFile(path: string): Promise<boolean> {
    const imported = await this.guard(() => this.gateway.importFile(path.trim()));
    if (imported) this.#setLibrary([...this.#library.filter((m) => m.id !== imported.id), imported]);
    return imported !== undefined;
  }

  /** Looks through LM Studio's, the Hugging Face cache's and llama.cpp's folders for GGUF files. */
  async discover(): Promise<void> {
    this.#discovering = true;
    const discovery = await this.guard(() => this.gateway.discover());
    this.#discovering = false;
    if (discovery) this.#discovery = discovery;
  }

  /** Adds a found model to the library where it is (never copied: it stays the other app's file). */
  async addFound(found: DiscoveredModel): Promise<void> {
    if (await this.importFile(found.path)) found.inLibrary = true;
  }

  #setLibrary(models: LibraryModel[]): void {
    this.#library = models;
    this.listeners.libraryChanged?.(this.#library);
  }

  private upsert(update: DownloadProgress): void {
    const existing = this.#items.find((d) => d.id === update.id);
    if (existing) Object.assign(existing, update, { reason: update.reason });
    else this.#items.push(update);
  }

  /** The row shows the new state at once; the core's next progress event has the last word. */
  private async act(id: string, state: DownloadState, work: () => Promise<void>): Promise<void> {
    await this.guard(async () => {
      await work();
      const item = this.#items.find((d) => d.id === id);
      if (item && item.state !== "done") {
        item.state = state;
        item.reason = undefined;
      }
    });
  }

  private guard<T>(work: () => Promise<T>): Promise<T | undefined> {
    return attempt(work, (message) => (this.#error = message));
  }
}

import type { CatalogState, ModelSummary, VariantSummary } from "./catalog.svelte.js";
import type { DownloadsState } from "./downloads.svelte.js";
import type { EngineState, LoadedModel } from "./engine.svelte.js";

/** A file on this machine that can be loaded: a library model, or one found in another app's folder. */
export interface LoadableFile {
  path: string;
  variantId?: string;
}

/** Where a file or variant stands with the engine. */
export type LoadState = "loaded" | "loading" | "idle";

/** The file's own name, without its folders. */
export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

/**
 * Download → load, across the three areas involved. A variant asked to "download and load" is
 * loaded as soon as its download is done (the first-run path). Anything on disk loads the same way,
 * named as the catalog knows it when it is a catalog variant.
 */
export class ModelActions {
  /** The variant to load once its download lands in the library. */
  #loadWhenDone = $state<string | undefined>();
  /** The variant whose load a finished download started, until that load ends. */
  #loadingAfterDownload = $state<string | undefined>();

  constructor(
    private readonly catalog: CatalogState,
    private readonly downloads: DownloadsState,
    private readonly engine: EngineState,
  ) {}

  /** Where a variant is: "installed", a download state, or "available". */
  status(variantId: string): string {
    if (this.downloads.installed(variantId)) return "installed";
    return this.downloads.find(variantId)?.state ?? "available";
  }

  /** Whether this file is the loaded model, is loading, or neither. */
  fileState(path: string): LoadState {
    if (this.engine.loadingPath === path) return "loading";
    return this.engine.loaded?.path === path ? "loaded" : "idle";
  }

  /** The same for a catalog variant: by its file in the library, or by the variant the engine reports. */
  variantState(variantId: string): LoadState {
    const installed = this.downloads.installed(variantId);
    const byFile = installed ? this.fileState(installed.path) : "idle";
    if (byFile !== "idle") return byFile;
    return this.engine.loaded?.variantId === variantId ? "loaded" : "idle";
  }

  async download(model: ModelSummary, variant: VariantSummary, thenLoad = false): Promise<void> {
    if (thenLoad) this.#loadWhenDone = variant.id;
    await this.downloads.start(model.id, variant.id);
  }

  async load(variantId: string): Promise<void> {
    const installed = this.downloads.installed(variantId);
    if (installed) await this.loadFile({ path: installed.path, variantId });
  }

  /** Loads any file on disk; the context and KV cache come from the settings (by default room to reason, planned here). */
  async loadFile(file: LoadableFile): Promise<void> {
    const name = this.nameOf({ path: file.path, variantId: file.variantId });
    await this.engine.load({ path: file.path, ...(file.variantId ? { variantId: file.variantId } : {}) }, name);
  }

  async unload(): Promise<void> {
    await this.engine.unload();
  }

  /** The catalog's model name and variant label when the file is a catalog variant, else the file's name. */
  nameOf(model: Pick<LoadedModel, "path" | "variantId">): string {
    const variantId = this.variantOf(model);
    const found = variantId ? this.catalog.variant(variantId) : undefined;
    return found ? `${found.model.name} ${found.variant.label}` : fileName(model.path);
  }

  /** The catalog variant a file is: as the engine reports it, else as the library knows the file. */
  variantOf(model: Pick<LoadedModel, "path" | "variantId">): string | undefined {
    return model.variantId ?? this.downloads.library.find((m) => m.path === model.path)?.variantId;
  }

  /** Whether a finished download of this variant is being (or is about to be) loaded. */
  loadsAfterDownload(variantId: string | undefined): boolean {
    return variantId !== undefined && (this.#loadWhenDone === variantId || this.#loadingAfterDownload === variantId);
  }

  /** Called when a load ends: the download that started it is no longer news. */
  loadEnded(): void {
    this.#loadingAfterDownload = undefined;
  }

  /** Called when the library changes: loads the variant that was waiting for its download. */
  libraryChanged(): void {
    const waiting = this.#loadWhenDone;
    if (waiting && this.downloads.installed(waiting)) {
      this.#loadWhenDone = undefined;
      this.#loadingAfterDownload = waiting;
      void this.load(waiting);
    }
  }
}

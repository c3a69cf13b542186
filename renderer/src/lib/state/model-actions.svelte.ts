import type { CatalogState, ModelSummary, VariantSummary } from "./catalog.svelte.js";
import type { DownloadsState } from "./downloads.svelte.js";
import type { EngineState } from "./engine.svelte.js";

/**
 * Download → load, across the three areas involved. A variant asked to "download and load" is
 * loaded as soon as its download is done (the first-run path).
 */
export class ModelActions {
  /** The variant to load once its download lands in the library. */
  #loadWhenDone = $state<string | undefined>();

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

  async download(model: ModelSummary, variant: VariantSummary, thenLoad = false): Promise<void> {
    if (thenLoad) this.#loadWhenDone = variant.id;
    await this.downloads.start(model.id, variant.id);
  }

  async load(variantId: string): Promise<void> {
    const installed = this.downloads.installed(variantId);
    if (!installed) return;
    const found = this.catalog.variant(variantId);
    const name = found ? `${found.model.name} ${found.variant.label}` : installed.name;
    // The context and KV cache come from the settings: by default room to reason, planned for this model here.
    await this.engine.load({ path: installed.path, variantId }, name);
  }

  /** Called when the library changes: loads the variant that was waiting for its download. */
  libraryChanged(): void {
    const waiting = this.#loadWhenDone;
    if (waiting && this.downloads.installed(waiting)) {
      this.#loadWhenDone = undefined;
      void this.load(waiting);
    }
  }
}

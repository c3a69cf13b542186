import { join } from "node:path";
import type { DownloadSource } from "../../shared/contract/downloads.js";
import type { CatalogService } from "../catalog/module.js";
import { hubFromSettings } from "../hub/hub-config.js";
import type { CapabilityModule, CoreContext } from "../kernel/context.js";
import type { ModelLibrary } from "../library/library.js";
import type { SettingsService } from "../settings/settings-service.js";
import { planFromCatalog } from "./catalog-source.js";
import { DownloadManager, type DownloadManagerOptions } from "./manager.js";
import { planFromSource } from "./sources.js";
import { damageNotice } from "../kernel/damage-notice.js";

export interface DownloadsDeps {
  settings: SettingsService;
  /** Finished downloads are added to it. */
  library: Pick<ModelLibrary, "addDownloaded">;
  /** Catalog variants are downloaded by id. */
  catalog: Pick<CatalogService, "variant">;
  /** Faster retries and smaller margins for tests. */
  manager?: Partial<Omit<DownloadManagerOptions, "stateFile" | "onStateDamaged" | "modelsDir" | "hub" | "onDone">>;
}

/** The download queue: catalog variants and pasted sources, resumable and verified. */
export async function createDownloadsModule(ctx: CoreContext, deps: DownloadsDeps): Promise<CapabilityModule<DownloadManager>> {
  const settings = () => deps.settings.get();
  const hub = () => hubFromSettings(settings());
  const manager = new DownloadManager({
    stateFile: join(ctx.dataDir, "downloads", "downloads.json"),
    onStateDamaged: damageNotice(ctx, "The downloads list", "the list starts empty; files already downloaded were not touched."),
    modelsDir: () => settings().modelsDir,
    hub,
    concurrency: settings().downloads.concurrency,
    ...deps.manager,
    onDone: async (record, paths) => {
      await deps.library.addDownloaded({
        name: record.name,
        files: paths,
        quantization: record.quantization,
        repo: record.repo,
        modelId: record.modelId,
        variantId: record.variantId,
      });
    },
  });
  manager.subscribe((p) => ctx.emit("downloads.progress", p));
  deps.settings.onChange((s) => manager.setConcurrency(s.downloads.concurrency));
  await manager.init();

  const plan = async (source: DownloadSource) =>
    typeof source === "string" ? planFromSource(source, hub()) : planFromCatalog(deps.catalog, source.modelId, source.variantId, hub());

  return {
    service: manager,
    handlers: {
      "downloads.start": async ({ source }) => {
        const record = await manager.add(await plan(source));
        return { jobId: record.id, download: manager.get(record.id)! };
      },
      "downloads.list": () => ({ downloads: manager.list() }),
      "downloads.pause": async ({ id }) => {
        await manager.pause(id);
        return { download: manager.get(id) };
      },
      "downloads.resume": async ({ id }) => {
        await manager.resume(id);
        return { download: manager.get(id) };
      },
      "downloads.cancel": async ({ id }) => {
        await manager.cancel(id);
        return { cancelled: true };
      },
    },
    close: () => manager.close(),
  };
}

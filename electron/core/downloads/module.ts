import { homedir } from "node:os";
import { join } from "node:path";
import type { DownloadProgress as DownloadProgressEvent, DownloadSource } from "../../shared/contract/downloads.js";
import type { CoreContext, CoreModule } from "../core-context.js";
import { discoverModels } from "../library/discover.js";
import { ModelLibrary, type GgufValidator } from "../library/library.js";
import { validateGguf } from "../library/validator.js";
import { UserFacingError } from "../transport/dispatcher.js";
import { planFromCatalog } from "./catalog-source.js";
import { DownloadManager, type DownloadManagerOptions, type DownloadProgress } from "./manager.js";
import { planFromSource, type HubConfig } from "./sources.js";

declare module "../services.js" {
  interface CoreServices {
    downloads: DownloadManager;
    library: ModelLibrary;
  }
}

/** Test seams: faster retries, a fake home for discovery, disk limits, another validator. */
export interface DownloadsModuleOverrides {
  manager?: Partial<Omit<DownloadManagerOptions, "stateFile" | "modelsDir" | "hub" | "onDone">>;
  home?: string;
  validate?: GgufValidator;
}

const DEFAULT_ENDPOINT = "https://huggingface.co";

/** The downloads capability: the download queue and the library of models on this machine. */
export async function createDownloadsModule(ctx: CoreContext, overrides: DownloadsModuleOverrides = {}): Promise<CoreModule> {
  const settings = () => (ctx.services.has("settings") ? ctx.services.get("settings").get() : undefined);
  const modelsDir = () => settings()?.modelsDir ?? join(ctx.dataDir, "models");
  const hub = (): HubConfig => {
    const s = settings();
    const endpoint = (s?.hub.endpoint ?? ctx.env.HF_ENDPOINT?.trim() ?? DEFAULT_ENDPOINT) || DEFAULT_ENDPOINT;
    const token = s ? (s.hub.token ?? undefined) : ctx.env.HF_TOKEN?.trim() || undefined;
    return { endpoint: endpoint.replace(/\/+$/, ""), token };
  };

  const library = new ModelLibrary({ file: join(ctx.dataDir, "library.json"), modelsDir, validate: overrides.validate ?? validateGguf });
  await library.init();
  const manager = new DownloadManager({
    stateFile: join(ctx.dataDir, "downloads", "downloads.json"),
    modelsDir,
    hub,
    concurrency: settings()?.downloads.concurrency ?? 2,
    ...overrides.manager,
    onDone: async (record, paths) => {
      await library.addDownloaded({
        name: record.name,
        files: paths,
        quantization: record.quantization,
        repo: record.repo,
        modelId: record.modelId,
        variantId: record.variantId,
      });
    },
  });
  const toEvent = (p: DownloadProgress): DownloadProgressEvent => {
    const record = manager.record(p.id);
    return { ...p, jobId: p.id, modelId: record?.modelId, variantId: record?.variantId };
  };
  manager.subscribe((p) => ctx.emit("downloads.progress", toEvent(p)));
  library.onChange((models) => ctx.emit("library.changed", { models }));
  if (ctx.services.has("settings")) ctx.services.get("settings").onChange((s) => manager.setConcurrency(s.downloads.concurrency));
  await manager.init();
  ctx.services.provide("downloads", manager);
  ctx.services.provide("library", library);

  const plan = async (source: DownloadSource) => {
    if (typeof source === "string") return planFromSource(source, hub());
    if (!ctx.services.has("catalog" as never)) throw new UserFacingError("The model catalog is not available.", "failed");
    return planFromCatalog(ctx.services.get("catalog" as never), source.modelId, source.variantId, hub());
  };
  const progressOf = (id: string) => {
    const p = manager.get(id);
    return p && toEvent(p);
  };

  return {
    handlers: {
      "downloads.start": async ({ source }) => {
        const record = await manager.add(await plan(source));
        return { jobId: record.id, download: progressOf(record.id)! };
      },
      "downloads.list": () => ({ downloads: manager.list().map(toEvent) }),
      "downloads.pause": async ({ id }) => {
        await manager.pause(id);
        return { download: progressOf(id) };
      },
      "downloads.resume": async ({ id }) => {
        await manager.resume(id);
        return { download: progressOf(id) };
      },
      "downloads.cancel": async ({ id }) => {
        await manager.cancel(id);
        return { cancelled: true };
      },
      "library.list": async () => ({ models: await library.list() }),
      "library.delete": ({ id }) => library.delete(id),
      "library.import": async ({ path, mode }) => ({ model: await library.import(path, mode) }),
      "library.discover": async () => ({ found: await discoverModels(overrides.home ?? homedir(), (p) => library.has(p), ctx.env) }),
    },
    close: () => manager.close(),
  };
}

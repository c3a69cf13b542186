import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { GpuInfo, HardwareInfo, MachineProfile, ModelSummary, UseCase } from "../../shared/contract/catalog.js";
import type { CoreContext, CoreModule } from "../core-context.js";
import { FitService } from "../fit/fit-service.js";
import { recommend } from "../fit/recommend.js";
import { MACHINE_PRESETS, presetById, profileFromCustom, profileFromHardware } from "../hardware/presets.js";
import { probeHardware } from "../hardware/probe.js";
import { UserFacingError } from "../transport/dispatcher.js";
import type { CatalogVariant } from "./catalog-schema.js";
import { refreshFromHub } from "./hub-refresh.js";
import { extraCatalogPathsFromEnv, HubFacts, loadCatalog, type LoadedCatalog, type LoadedModel } from "./load-catalog.js";

export interface CatalogService {
  models(): readonly LoadedModel[];
  variant(variantId: string): { model: LoadedModel; variant: CatalogVariant } | undefined;
}
export interface HardwareService {
  probe(options?: { measureBandwidth?: boolean; fresh?: boolean }): Promise<HardwareInfo>;
}
export interface FitEstimatorService {
  /** Replaces the speed estimate with what a generation on this machine measured. */
  recordMeasuredSpeed(variantId: string, tokensPerSecond: number): Promise<void>;
  /** A variant's file arrived (or went): its structure is re-read from the file's header. */
  refreshVariant(variantId: string): void;
}

declare module "../services.js" {
  interface CoreServices {
    catalog: CatalogService;
    hardware: HardwareService;
    fit: FitEstimatorService;
  }
}

export interface CatalogModuleOptions {
  /** An extra catalog file (tests, people with their own models); R1_EXTRA_CATALOG works too. */
  extraCatalogPath?: string;
  builtinCatalogPath?: string;
}

function summarize(model: LoadedModel): ModelSummary {
  const a = model.architecture;
  return {
    id: model.id,
    name: model.name,
    description: model.description,
    baseModel: model.baseModel,
    parameters: model.parameters,
    licenses: model.licenses,
    benchmarks: model.benchmarks,
    uses: model.uses,
    architecture: { arch: a.arch, blocks: a.blocks, contextLength: a.contextLength, mixtureOfExperts: a.type === "mla-moe" },
    source: model.source,
    variants: model.variants.map((v) => ({
      id: v.id,
      modelId: model.id,
      quant: v.quant,
      label: v.label ?? v.quant,
      repo: v.repo,
      files: v.files,
      sizeBytes: v.files.reduce((s, f) => s + f.sizeBytes, 0),
      approximate: v.approximate,
    })),
  };
}

/** Catalog, hardware probe and fit estimator: what runs here, and why. */
export async function createCatalogModule(ctx: CoreContext, options: CatalogModuleOptions = {}): Promise<CoreModule> {
  const catalogDir = path.join(ctx.dataDir, "catalog");
  const hubFactsFile = path.join(catalogDir, "hub-facts.json");
  const extraPaths = [...(options.extraCatalogPath ? [options.extraCatalogPath] : []), ...extraCatalogPathsFromEnv(ctx.env)];

  const readHubFacts = (): HubFacts => {
    try {
      return HubFacts.parse(JSON.parse(readFileSync(hubFactsFile, "utf8")));
    } catch {
      return {};
    }
  };
  /** The settings service's current values, when the settings module is there. */
  const currentSettings = () => {
    if (!ctx.services.has("settings")) return undefined;
    try {
      return ctx.services.get("settings").get();
    } catch {
      return undefined;
    }
  };
  const settingsExtraPath = (): string[] => {
    const p = currentSettings()?.extraCatalogPath;
    return p ? [p] : [];
  };
  const load = (): LoadedCatalog =>
    loadCatalog({ builtinPath: options.builtinCatalogPath, extraPaths: [...extraPaths, ...settingsExtraPath()], hubFacts: readHubFacts() });
  let catalog = load();
  // A different extra catalog in the settings: reload, and tell the renderer to list again.
  if (ctx.services.has("settings")) {
    let extraSetting = currentSettings()?.extraCatalogPath ?? null;
    ctx.services.get("settings").onChange((settings) => {
      if (settings.extraCatalogPath === extraSetting) return;
      extraSetting = settings.extraCatalogPath;
      catalog = load();
      fit.forget();
      ctx.emit("catalog.changed", {});
    });
  }

  const modelsDir = () => currentSettings()?.modelsDir ?? path.join(ctx.dataDir, "models");

  const fit = new FitService({
    cacheDir: path.join(ctx.dataDir, "cache", "fit-metadata"),
    measuredSpeedFile: path.join(catalogDir, "measured-speed.json"),
    // A downloaded variant's file, from the model library; the estimate then follows its header.
    localFileOf: async (variantId) => {
      if (!ctx.services.has("library")) return null;
      const library = ctx.services.get("library");
      if (!watchingLibrary) {
        watchingLibrary = true;
        library.onChange(() => fit.forget());
      }
      const entry = (await library.list()).find((m) => m.variantId === variantId && !m.missing);
      return entry?.path ?? null;
    },
  });
  let watchingLibrary = false;

  /**
   * GPUs as the engine's llama.cpp backend reported them, when the engine process already runs
   * (asking never starts it: the probe stays fast and never triggers a build).
   */
  const engineGpus = async (): Promise<{ backend: string; gpus: GpuInfo[] } | null> => {
    if (!ctx.services.has("engine")) return null;
    const backend = ctx.services.get("engine").status().backend;
    if (!backend || backend.backend === "cpu" || backend.devices.length === 0) return null;
    const share = (bytes: number) => Math.floor(bytes / backend.devices.length);
    return {
      backend: backend.backend,
      gpus: backend.devices.map((name) => ({ name, vramTotalBytes: share(backend.vram.totalBytes), vramFreeBytes: share(backend.vram.freeBytes), source: "llama.cpp" })),
    };
  };

  let lastProbe: { at: number; withBandwidth: boolean; info: Promise<HardwareInfo> } | undefined;
  const probe = (o: { measureBandwidth?: boolean; fresh?: boolean } = {}): Promise<HardwareInfo> => {
    // RAM and VRAM move, but a probe younger than 5 s is still the truth for a slider that moves.
    const usable = lastProbe && performance.now() - lastProbe.at < 5000 && (lastProbe.withBandwidth || !o.measureBandwidth);
    if (!o.fresh && usable) return lastProbe!.info;
    const info = probeHardware({ modelsDir: modelsDir(), engineGpus, measureBandwidth: o.measureBandwidth });
    const entry = { at: performance.now(), withBandwidth: !!o.measureBandwidth, info };
    lastProbe = entry;
    info.catch(() => {
      if (lastProbe === entry) lastProbe = undefined;
    });
    return info;
  };

  const resolveMachine = async (choice: unknown): Promise<MachineProfile> => {
    if (choice === "this") return profileFromHardware(await probe({ measureBandwidth: true }));
    if (typeof choice === "string") {
      const preset = presetById(choice);
      if (!preset) throw new UserFacingError(`There is no machine preset "${choice}".`);
      return preset.machine;
    }
    return profileFromCustom(choice as Parameters<typeof profileFromCustom>[0]);
  };

  ctx.services.provide("catalog", {
    models: () => catalog.models,
    variant: (id) => {
      for (const model of catalog.models) {
        const variant = model.variants.find((v) => v.id === id);
        if (variant) return { model, variant };
      }
      return undefined;
    },
  });
  ctx.services.provide("hardware", { probe });
  ctx.services.provide("fit", {
    recordMeasuredSpeed: (id, tps) => fit.recordMeasuredSpeed(id, tps),
    refreshVariant: (id) => fit.forget(id),
  });

  return {
    handlers: {
      "catalog.list": () => {
        catalog = load();
        return { models: catalog.models.map(summarize), problems: catalog.problems };
      },
      "catalog.refresh": async () => {
        // The hub the settings name (HF_ENDPOINT / HF_TOKEN are their defaults).
        const hub = currentSettings()?.hub;
        const { facts, failures } = await refreshFromHub(catalog.models, {
          endpoint: hub?.endpoint ?? (ctx.env.HF_ENDPOINT || "https://huggingface.co"),
          token: (hub ? hub.token : ctx.env.HF_TOKEN) ?? undefined,
        });
        const merged = { ...readHubFacts(), ...facts };
        await mkdir(catalogDir, { recursive: true });
        await writeFile(hubFactsFile, JSON.stringify(merged, null, 2));
        catalog = load();
        ctx.emit("catalog.changed", {});
        return { updatedVariants: Object.keys(facts).length, failures };
      },
      "hardware.probe": (request) => probe(request),
      "fit.presets": () => ({ presets: MACHINE_PRESETS }),
      "fit.evaluate": async ({ contextSize, machine, variantIds }) => {
        const profile = await resolveMachine(machine);
        return { machine: profile, results: await fit.evaluate(catalog.models, contextSize, profile, variantIds) };
      },
      "catalog.recommend": async ({ use, contextSize, machine }) => {
        const profile = await resolveMachine(machine);
        const fits = await fit.evaluate(catalog.models, contextSize, profile);
        return { machine: profile, ...recommend(use as UseCase, catalog.models, fits) };
      },
    },
  };
}

import path from "node:path";
import type { ModelSummary } from "../../shared/contract/catalog.js";
import { hubFromSettings } from "../hub/hub-config.js";
import type { CapabilityModule, CoreContext } from "../kernel/context.js";
import { JsonStateFile } from "../kernel/state-file.js";
import { damageNotice } from "../kernel/damage-notice.js";
import type { SettingsService } from "../settings/settings-service.js";
import type { CatalogVariant } from "./catalog-schema.js";
import { refreshFromHub } from "./hub-refresh.js";
import { extraCatalogPathsFromEnv, HubFacts, loadCatalog, type LoadedCatalog, type CatalogEntry } from "./load-catalog.js";

export interface CatalogService {
  models(): readonly CatalogEntry[];
  variant(variantId: string): { model: CatalogEntry; variant: CatalogVariant } | undefined;
  /** Called when the catalog's content changed (another extra catalog, a hub refresh). */
  onChange(listener: () => void): () => void;
}

export interface CatalogDeps {
  settings: SettingsService;
  /** An extra catalog file (tests, people with their own models); R1_EXTRA_CATALOG works too. */
  extraCatalogPath?: string;
  builtinCatalogPath?: string;
}

/** The model catalog: built in, extended by extra files, with sizes refreshed from the hub. */
export function createCatalogModule(ctx: CoreContext, deps: CatalogDeps): CapabilityModule<CatalogService> {
  const hubFacts = new JsonStateFile(path.join(ctx.dataDir, "catalog", "hub-facts.json"), HubFacts, {
    indent: 2,
    onDamaged: damageNotice(ctx, "The list of file sizes kept from the hub", "the catalog's own sizes stand in until the next refresh."),
  });
  const readHubFacts = () => hubFacts.readSync().value ?? {};
  const fixedExtras = [...(deps.extraCatalogPath ? [deps.extraCatalogPath] : []), ...extraCatalogPathsFromEnv(ctx.env)];
  const load = (): LoadedCatalog => {
    const chosen = deps.settings.get().extraCatalogPath;
    return loadCatalog({ builtinPath: deps.builtinCatalogPath, extraPaths: [...fixedExtras, ...(chosen ? [chosen] : [])], hubFacts: readHubFacts() });
  };
  let catalog = load();
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of listeners) listener();
    ctx.emit("catalog.changed", {});
  };

  // A different extra catalog in the settings: reload, and tell the renderer to list again.
  let extraSetting = deps.settings.get().extraCatalogPath;
  deps.settings.onChange((settings) => {
    if (settings.extraCatalogPath === extraSetting) return;
    extraSetting = settings.extraCatalogPath;
    catalog = load();
    changed();
  });

  const service: CatalogService = {
    models: () => catalog.models,
    variant: (id) => {
      for (const model of catalog.models) {
        const variant = model.variants.find((v) => v.id === id);
        if (variant) return { model, variant };
      }
      return undefined;
    },
    onChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };

  return {
    service,
    handlers: {
      "catalog.list": () => {
        catalog = load();
        return { models: catalog.models.map(summarize), problems: catalog.problems };
      },
      "catalog.refresh": async () => {
        const { facts, failures } = await refreshFromHub(catalog.models, hubFromSettings(deps.settings.get()));
        await hubFacts.write({ ...readHubFacts(), ...facts });
        catalog = load();
        changed();
        return { updatedVariants: Object.keys(facts).length, failures };
      },
    },
  };
}

function summarize(model: CatalogEntry): ModelSummary {
  const a = model.architecture;
  return {
    id: model.id,
    name: model.name,
    description: model.description,
    baseModel: model.baseModel,
    parameters: model.parameters,
    licenses: model.licenses,
    benchmarks: model.benchmarks,
    warning: model.warning,
    uses: model.uses,
    toolCalls: model.toolCalls,
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

import { SvelteSet } from "svelte/reactivity";
import { runsHere, verdictRank } from "$shared/contract/catalog.js";
import type { CatalogState, ModelSummary, UseCase, VariantFit, VariantSummary } from "./catalog.svelte.js";

/** The picker's use filters; "all" shows every model. */
export type UseFilter = "all" | "edge" | "coding" | "math" | "chat";

/** Below this a reasoning model's long traces get tiresome; the core's "chat" rule uses 8 too. */
const COMFORTABLE_TOKENS_PER_SECOND = 8;
/** A use filter also steers the recommendation: edge devices want the fastest model; "all" means general chat. */
const RECOMMEND_FOR: Record<UseFilter, UseCase> = { all: "chat", edge: "fastest", coding: "coding", math: "math", chat: "chat" };

export interface PickerRow {
  model: ModelSummary;
  /** The variant the row shows: the person's pick, else the best one for the chosen machine. */
  variant: VariantSummary;
  fit: VariantFit | undefined;
  /** The estimator's pick for this machine, whatever the person chose. */
  best: VariantSummary;
  recommended: boolean;
  runsHere: boolean;
}

/**
 * The best variant of one model for the machine the estimator was asked about: the best place it
 * runs (GPU, part GPU, CPU…), then within that the largest quant that is still comfortable, else
 * the fastest. Nothing fits: the smallest, as it is the nearest to fitting.
 */
export function bestVariant(model: ModelSummary, fits: Record<string, VariantFit>): VariantSummary {
  const rated = model.variants.filter((v) => fits[v.id]);
  if (rated.length === 0) return model.variants.reduce((a, b) => (b.sizeBytes < a.sizeBytes ? b : a));
  const rank = (v: VariantSummary) => verdictRank(fits[v.id]!.verdict);
  const top = Math.min(...rated.map(rank));
  const tier = rated.filter((v) => rank(v) === top);
  if (top >= verdictRank("no-disk")) return tier.reduce((a, b) => (b.sizeBytes < a.sizeBytes ? b : a));
  const comfortable = tier.filter((v) => fits[v.id]!.speed.tokensPerSecond >= COMFORTABLE_TOKENS_PER_SECOND);
  if (comfortable.length) return comfortable.reduce((a, b) => (b.sizeBytes > a.sizeBytes ? b : a));
  return tier.reduce((a, b) => (fits[b.id]!.speed.tokensPerSecond > fits[a.id]!.speed.tokensPerSecond ? b : a));
}

/**
 * The compact Models page: one row per model, filters, which rows are open, and the quant each row
 * shows. Figures come from the catalog state; this class only chooses and orders.
 */
export class ModelPicker {
  #use = $state<UseFilter>("all");
  #runsHereOnly = $state(false);
  /** model id → the variant the person picked in the row's quant selector. */
  #picked = $state<Record<string, string>>({});
  readonly #expanded = new SvelteSet<string>();

  /** `catalog` is read on each use, so the picker follows the component's current prop. */
  constructor(private readonly catalogOf: () => CatalogState) {}

  private get catalog(): CatalogState {
    return this.catalogOf();
  }

  get use(): UseFilter {
    return this.#use;
  }

  get runsHereOnly(): boolean {
    return this.#runsHereOnly;
  }

  /** Every model as a row, the recommended one first; the catalog's order otherwise. */
  get allRows(): PickerRow[] {
    const fits = this.catalog.fits;
    const recommendedModel = this.catalog.recommendation?.modelId;
    const rows = this.catalog.models.map((model): PickerRow => {
      const best = model.id === recommendedModel ? (this.#recommendedVariant(model) ?? bestVariant(model, fits)) : bestVariant(model, fits);
      const variant = model.variants.find((v) => v.id === this.#picked[model.id]) ?? best;
      const bestFit = fits[best.id];
      return { model, variant, fit: fits[variant.id], best, recommended: model.id === recommendedModel, runsHere: !!bestFit && runsHere(bestFit.verdict) };
    });
    return rows.sort((a, b) => Number(b.recommended) - Number(a.recommended));
  }

  /** The rows the filters let through. */
  get rows(): PickerRow[] {
    return this.allRows.filter((row) => (this.#use === "all" || row.model.uses.includes(this.#use)) && (!this.#runsHereOnly || row.runsHere));
  }

  setUse(use: UseFilter): void {
    this.#use = use;
    if (this.catalog.use !== RECOMMEND_FOR[use]) this.catalog.setUse(RECOMMEND_FOR[use]);
  }

  setRunsHereOnly(on: boolean): void {
    this.#runsHereOnly = on;
  }

  pick(modelId: string, variantId: string): void {
    this.#picked = { ...this.#picked, [modelId]: variantId };
  }

  isExpanded(modelId: string): boolean {
    return this.#expanded.has(modelId);
  }

  toggle(modelId: string): void {
    if (!this.#expanded.delete(modelId)) this.#expanded.add(modelId);
  }

  #recommendedVariant(model: ModelSummary): VariantSummary | undefined {
    return model.variants.find((v) => v.id === this.catalog.recommendation?.variantId);
  }
}

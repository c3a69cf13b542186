import type {
  CustomMachine,
  HardwareInfo,
  MachinePreset,
  MachineProfile,
  ModelSummary,
  UseCase,
  VariantFit,
  VariantSummary,
} from "$shared/contract/catalog.js";
import { api } from "../api/client.js";
import { messageOf } from "../attempt.js";

export type { CustomMachine, HardwareInfo, MachinePreset, MachineProfile, ModelSummary, UseCase, VariantFit, VariantSummary };

export interface Recommendation {
  variantId: string | null;
  modelId: string | null;
  reason: string;
}

/** The context the planner weighs: a size, or "auto" (each variant at the context a load with Settings' "auto" gives it). */
export type PlannedContext = number | "auto";

/** What the picker needs from the core: every figure it shows comes from these calls. */
export interface CatalogGateway {
  list(): Promise<{ models: ModelSummary[]; problems: string[] }>;
  hardware(): Promise<HardwareInfo>;
  presets(): Promise<MachinePreset[]>;
  /** `sequences`: Settings' "Parallel requests"; each sequence's KV cache is weighed. */
  evaluate(
    contextSize: PlannedContext,
    machine: string | CustomMachine,
    sequences?: number | "auto",
  ): Promise<{ machine: MachineProfile; results: VariantFit[] }>;
  recommend(use: UseCase, contextSize: PlannedContext, machine: string | CustomMachine): Promise<Recommendation>;
  onChanged(listener: () => void): () => void;
  /** An answer on this machine measured a variant's speed. */
  onMeasured(listener: (variantId: string) => void): () => void;
}

export const coreCatalogGateway: CatalogGateway = {
  list: () => api.call("catalog.list", {}),
  hardware: () => api.call("hardware.probe", {}),
  presets: async () => (await api.call("fit.presets", {})).presets,
  // The cache a default load uses ("auto": q8_0 at a chosen context), so the bars match what loading does.
  evaluate: (contextSize, machine, sequences) => api.call("fit.evaluate", { contextSize, machine, kvCacheType: "auto", sequences }),
  recommend: (use, contextSize, machine) => api.call("catalog.recommend", { use, contextSize, machine }),
  onChanged: (listener) => api.on("catalog.changed", () => listener()),
  onMeasured: (listener) => api.on("fit.measured", (event) => listener(event.variantId)),
};

export type PlannerMode = "this" | "preset" | "custom";

/**
 * The model picker's data: catalog, this machine, the planner's machine, and the estimator's verdict
 * for every variant at the chosen context size (re-evaluated live as it changes).
 */
export class CatalogState {
  #models = $state.raw<ModelSummary[]>([]);
  #problems = $state<string[]>([]);
  #hardware = $state<HardwareInfo | undefined>();
  #presets = $state.raw<MachinePreset[]>([]);
  // Settings' default is "auto", and a load then gives each model its room to reason: so does the planner.
  #contextSize = $state<PlannedContext>("auto");
  #loadContext = $state<PlannedContext>("auto");
  /** Settings' "Parallel requests": a load gives each sequence the whole context, so each cache is weighed. */
  #sequences = $state<number | "auto">("auto");
  #use = $state<UseCase>("chat");
  #plannerMode = $state<PlannerMode>("this");
  #presetId = $state<string | undefined>();
  #custom = $state<{ ramGB: number; vramGB: number }>({ ramGB: 32, vramGB: 12 });
  #fits = $state.raw<Record<string, VariantFit>>({});
  #machine = $state<MachineProfile | undefined>();
  #recommendation = $state<Recommendation | undefined>();
  #evaluating = $state(false);
  #error = $state<string | undefined>();
  private generation = 0;

  constructor(private readonly gateway: CatalogGateway = coreCatalogGateway) {}

  get models(): ModelSummary[] {
    return this.#models;
  }

  get problems(): string[] {
    return this.#problems;
  }

  get hardware(): HardwareInfo | undefined {
    return this.#hardware;
  }

  get presets(): MachinePreset[] {
    return this.#presets;
  }

  get contextSize(): PlannedContext {
    return this.#contextSize;
  }

  /** The context a load uses (Settings'): when the planner weighs another, the page says so. */
  get loadContext(): PlannedContext {
    return this.#loadContext;
  }

  get use(): UseCase {
    return this.#use;
  }

  get plannerMode(): PlannerMode {
    return this.#plannerMode;
  }

  get presetId(): string | undefined {
    return this.#presetId;
  }

  get custom(): { ramGB: number; vramGB: number } {
    return this.#custom;
  }

  get fits(): Record<string, VariantFit> {
    return this.#fits;
  }

  get machine(): MachineProfile | undefined {
    return this.#machine;
  }

  get recommendation(): Recommendation | undefined {
    return this.#recommendation;
  }

  get evaluating(): boolean {
    return this.#evaluating;
  }

  get error(): string | undefined {
    return this.#error;
  }

  /** The machine the estimator is asked about: this one, a preset, or typed numbers. */
  get machineChoice(): string | CustomMachine {
    if (this.#plannerMode === "preset" && this.#presetId) return this.#presetId;
    if (this.#plannerMode === "custom") {
      return { label: "Custom machine", ramGB: this.#custom.ramGB, gpus: this.#custom.vramGB > 0 ? [{ vramGB: this.#custom.vramGB }] : [] };
    }
    return "this";
  }

  variant(variantId: string): { model: ModelSummary; variant: VariantSummary } | undefined {
    for (const model of this.#models) {
      const variant = model.variants.find((v) => v.id === variantId);
      if (variant) return { model, variant };
    }
    return undefined;
  }

  connect(): void {
    this.gateway.onChanged(() => void this.load());
    // A measured speed replaces this machine's estimate: the rows show it now, not after a reload.
    this.gateway.onMeasured(() => {
      if (this.#plannerMode === "this" && this.#models.length > 0) void this.evaluate();
    });
  }

  async load(): Promise<void> {
    await this.guard(async () => {
      const [list, hardware, presets] = await Promise.all([this.gateway.list(), this.gateway.hardware(), this.gateway.presets()]);
      this.#models = list.models;
      this.#problems = list.problems;
      this.#hardware = hardware;
      this.#presets = presets;
      this.#presetId ??= presets[0]?.id;
    });
    await this.evaluate();
  }

  /** Settings' context size, the one a load uses: the planner follows it (asked again once the catalog is there). */
  followSettings(size: PlannedContext, parallelRequests: number | "auto" = this.#sequences): void {
    this.#loadContext = size;
    if (size === this.#contextSize && parallelRequests === this.#sequences) return;
    this.#contextSize = size;
    this.#sequences = parallelRequests;
    if (this.#models.length > 0) void this.evaluate();
  }

  setContextSize(size: PlannedContext): void {
    this.#contextSize = size;
    void this.evaluate();
  }

  setUse(use: UseCase): void {
    this.#use = use;
    void this.evaluate();
  }

  setPlanner(mode: PlannerMode, presetId?: string): void {
    this.#plannerMode = mode;
    if (presetId) this.#presetId = presetId;
    void this.evaluate();
  }

  setCustom(custom: { ramGB: number; vramGB: number }): void {
    this.#custom = custom;
    if (this.#plannerMode === "custom") void this.evaluate();
  }

  /** Asks the estimator again; an answer to an older question is dropped. */
  async evaluate(): Promise<void> {
    const asked = ++this.generation;
    this.#evaluating = true;
    const machine = $state.snapshot(this.machineChoice) as string | CustomMachine;
    await this.guard(async () => {
      const [evaluation, recommendation] = await Promise.all([
        this.gateway.evaluate(this.#contextSize, machine, this.#sequences),
        this.gateway.recommend(this.#use, this.#contextSize, machine),
      ]);
      if (asked !== this.generation) return;
      this.#machine = evaluation.machine;
      this.#fits = Object.fromEntries(evaluation.results.map((fit) => [fit.variantId, fit]));
      this.#recommendation = recommendation;
    });
    if (asked === this.generation) this.#evaluating = false;
  }

  private async guard(work: () => Promise<void>): Promise<void> {
    try {
      this.#error = undefined;
      await work();
    } catch (err) {
      this.#error = messageOf(err);
    }
  }
}

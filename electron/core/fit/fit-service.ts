import path from "node:path";
import { z } from "zod";
import type { MachineProfile, VariantFit } from "../../shared/contract/catalog.js";
import type { KvCacheChoice } from "../../shared/contract/engine.js";
import type { CatalogVariant } from "../catalog/catalog-schema.js";
import type { CatalogEntry } from "../catalog/load-catalog.js";
import { readGgufHeaderOffThread } from "../gguf/read-off-thread.js";
import { parseSplitFileName } from "../gguf/split-names.js";
import { JsonStateFile, type OnDamaged } from "../kernel/state-file.js";
import { matchFileSize, structureFromGguf, type ModelStructure } from "./model-structure.js";
import { structureFromRecipe } from "./recipe-structure.js";
import { chooseContext, type ContextChoice } from "./context-choice.js";
import { planFit } from "./plan.js";

/** Reads a GGUF header (every part of a split model) into the estimator's structure. */
export async function readModelStructure(file: string): Promise<ModelStructure> {
  const split = parseSplitFileName(file);
  const parts = split ? split.partNames.map((name) => path.join(path.dirname(file), name)) : [file];
  const headers = await Promise.all(parts.map((part) => readGgufHeaderOffThread(part)));
  return structureFromGguf({ metadata: headers[0]!.metadata, tensors: headers.flatMap((header) => header.tensors) });
}

/** Tokens per second per catalog variant, as generations on this machine measured them. */
const MeasuredSpeeds = z.record(z.string(), z.number().positive());

export interface FitServiceOptions {
  /** Persisted measured speeds (tokens/s per variant on this machine). */
  measuredSpeedFile?: string;
  /** The downloaded file of a variant, when there is one. */
  localFileOf?: (variantId: string) => Promise<string | null>;
  /** Told when the measured-speed file was damaged and set aside. */
  onMeasuredDamaged?: OnDamaged;
}

/**
 * Evaluates catalog variants against a machine. Each variant's structure comes from its real
 * file's header once downloaded, else from the catalog's architecture and quantization recipe; it
 * is built once and kept, so moving the context slider only re-runs arithmetic.
 */
export class FitService {
  private readonly structures = new Map<string, Promise<{ structure: ModelStructure; from: "file" | "catalog" }>>();
  private measured: Record<string, number> | undefined;
  readonly #measuredFile: JsonStateFile<Record<string, number>> | undefined;

  constructor(private readonly options: FitServiceOptions = {}) {
    this.#measuredFile = options.measuredSpeedFile
      ? new JsonStateFile(options.measuredSpeedFile, MeasuredSpeeds, { indent: 2, onDamaged: options.onMeasuredDamaged })
      : undefined;
  }

  /** Drops cached structures (the catalog changed or a file arrived). */
  forget(variantId?: string): void {
    if (variantId === undefined) this.structures.clear();
    else this.structures.delete(variantId);
  }

  structureOf(model: CatalogEntry, variant: CatalogVariant): Promise<{ structure: ModelStructure; from: "file" | "catalog" }> {
    let cached = this.structures.get(variant.id);
    if (!cached) {
      cached = (async () => {
        const local = (await this.options.localFileOf?.(variant.id).catch(() => null)) ?? null;
        if (local) {
          try {
            return { structure: await readModelStructure(local), from: "file" as const };
          } catch {
            // A partial or damaged download: fall back to the catalog's description.
          }
        }
        const published = variant.files.reduce((a, f) => a + f.sizeBytes, 0);
        return { structure: matchFileSize(structureFromRecipe(model.architecture, variant.quant), published), from: "catalog" as const };
      })();
      cached.catch(() => this.structures.delete(variant.id));
      this.structures.set(variant.id, cached);
    }
    return cached;
  }

  /**
   * Room to reason for a model file (downloaded, imported or loaded): the largest of 64K/32K/16K/8K
   * within its trained context that runs on `machine` at the placement 8K gets, with the KV cache
   * type that allows it. On "this" machine with a model loaded, VRAM that model holds counts as used.
   */
  async largestContextForFile(
    file: string,
    machine: MachineProfile,
    kvCacheType: KvCacheChoice = "auto",
    contextSize?: number,
    sequences?: number | "auto",
  ): Promise<ContextChoice> {
    const structure = await readModelStructure(file);
    return chooseContext(
      structure,
      { machine, downloadBytes: 0, downloaded: true },
      { kvCacheType, steps: contextSize ? [contextSize] : undefined, sequences },
    );
  }

  async evaluate(
    models: readonly CatalogEntry[],
    contextSize: number | "auto",
    machine: MachineProfile,
    variantIds?: readonly string[],
    kvCacheType?: KvCacheChoice,
    /** "Parallel requests": every sequence's KV cache is counted (1 unless given). */
    sequences?: number | "auto",
  ): Promise<VariantFit[]> {
    const wanted = variantIds ? new Set(variantIds) : undefined;
    const measured = machine.id === "this" ? await this.measuredSpeeds() : {};
    const jobs = models.flatMap((model) =>
      model.variants
        .filter((v) => !wanted || wanted.has(v.id))
        .map(async (variant): Promise<VariantFit> => {
          const { structure, from } = await this.structureOf(model, variant);
          const downloadBytes = variant.files.reduce((a, f) => a + f.sizeBytes, 0);
          const input = { machine, downloadBytes, downloaded: from === "file", measuredTokensPerSecond: measured[variant.id] };
          // The room is chosen as a load chooses: among 64K … 8K for "auto", else at the size asked for,
          // so the row's context, cache type and verdict are the ones loading it would use.
          const room = chooseContext(structure, input, {
            kvCacheType: kvCacheType ?? "auto",
            steps: contextSize === "auto" ? undefined : [contextSize],
            sequences,
          });
          const plan =
            kvCacheType === undefined && contextSize !== "auto" ? planFit(structure, { ...input, contextSize, sequences: room.sequences }) : room.plan;
          return {
            variantId: variant.id,
            modelId: model.id,
            contextSize: contextSize === "auto" ? room.contextSize : contextSize,
            verdict: plan.verdict,
            reason: plan.reason,
            plan: { gpuLayers: plan.gpuLayers, totalLayers: plan.totalLayers, kvCacheOn: plan.kvCacheOn, devices: plan.devices },
            memory: plan.memory,
            speed: plan.speed,
            kvCache: plan.kvCache,
            room: { contextSize: room.contextSize, kvCacheType: room.kvCacheType, reasoningTokens: room.reasoningTokens, verdict: room.plan.verdict },
            downloadBytes,
            structureFrom: from,
          };
        }),
    );
    return Promise.all(jobs);
  }

  /** Reads the measured speeds now (at start), so a damaged file is reported when the app opens. */
  async loadMeasured(): Promise<void> {
    await this.measuredSpeeds();
  }

  private async measuredSpeeds(): Promise<Record<string, number>> {
    // A damaged file only loses measured speeds: the estimates stand in until the next run.
    this.measured ??= (await this.#measuredFile?.read().catch(() => undefined))?.value ?? {};
    return this.measured;
  }

  /** A generation on this machine measured this speed: it replaces the estimate from now on. */
  /** Returns the figure kept, or undefined when the measurement was not a speed. */
  async recordMeasuredSpeed(variantId: string, tokensPerSecond: number): Promise<number | undefined> {
    if (!(tokensPerSecond > 0) || !Number.isFinite(tokensPerSecond)) return undefined;
    const speeds = await this.measuredSpeeds();
    const kept = Math.round(tokensPerSecond * 10) / 10;
    speeds[variantId] = kept;
    await this.#measuredFile?.write(speeds);
    return kept;
  }
}

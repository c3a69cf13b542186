import { damageNotice } from "../kernel/damage-notice.js";
import { rm } from "node:fs/promises";
import path from "node:path";
import type { MachineProfile, UseCase } from "../../shared/contract/catalog.js";
import type { KvCacheChoice } from "../../shared/contract/engine.js";
import type { CatalogService } from "../catalog/module.js";
import type { HardwareService } from "../hardware/module.js";
import { MACHINE_PRESETS, presetById, profileFromCustom, profileFromHardware } from "../hardware/presets.js";
import type { CapabilityModule, CoreContext } from "../kernel/context.js";
import { AppError } from "../kernel/errors.js";
import type { ModelLibrary } from "../library/library.js";
import type { ContextChoice } from "./context-choice.js";
import { FitService } from "./fit-service.js";
import { recommend } from "./recommend.js";

export interface FitEstimatorService {
  /** Replaces the speed estimate with what a generation on this machine measured. */
  recordMeasuredSpeed(variantId: string, tokensPerSecond: number): Promise<void>;
  /**
   * The largest context (64K/32K/16K/8K within the trained length) a model file runs with on this
   * computer at the placement 8K gets, and the KV cache type ("auto": q8_0, q4_0 where needed) that
   * allows it. Compare `contextSize` with the loaded one to know whether a larger context fits.
   * `reservedBytes`: RAM something else loaded with the model takes (a speculative-decoding draft).
   */
  largestContextFor(
    modelPath: string,
    options?: { kvCacheType?: KvCacheChoice; reservedBytes?: number; contextSize?: number; sequences?: number | "auto" },
  ): Promise<ContextChoice>;
}

export interface FitDeps {
  catalog: CatalogService;
  hardware: HardwareService;
  /** A downloaded variant's file: the estimate then follows its real header. */
  library: Pick<ModelLibrary, "list" | "onChange">;
}

/** The fit estimator: what runs on this machine (or a planned one), how fast, and what to pick. */
export function createFitModule(ctx: CoreContext, deps: FitDeps): CapabilityModule<FitEstimatorService> {
  // Older versions kept generated GGUF headers here; estimates now come from the recipe directly.
  void rm(path.join(ctx.dataDir, "cache", "fit-metadata"), { recursive: true, force: true }).catch(() => undefined);
  const fit = new FitService({
    measuredSpeedFile: path.join(ctx.dataDir, "catalog", "measured-speed.json"),
    onMeasuredDamaged: damageNotice(ctx, "The list of speeds measured on this computer", "estimates stand in until the next answer measures them again."),
    localFileOf: async (variantId) => {
      const entry = (await deps.library.list()).find((m) => m.variantId === variantId && !m.missing);
      return entry?.path ?? null;
    },
  });
  void fit.loadMeasured();
  // Structures come from the catalog or from a downloaded file: either changing makes them stale.
  deps.catalog.onChange(() => fit.forget());
  deps.library.onChange(() => fit.forget());

  const resolveMachine = async (choice: unknown): Promise<MachineProfile> => {
    if (choice === "this") return profileFromHardware(await deps.hardware.probe({ measureBandwidth: true }));
    if (typeof choice === "string") {
      const preset = presetById(choice);
      if (!preset) throw new AppError("not-found", `There is no machine preset "${choice}".`);
      return preset.machine;
    }
    return profileFromCustom(choice as Parameters<typeof profileFromCustom>[0]);
  };

  return {
    service: {
      recordMeasuredSpeed: async (id, tps) => {
        const recorded = await fit.recordMeasuredSpeed(id, tps);
        // The picker shows the measured figure at once, not after a reload.
        if (recorded !== undefined) ctx.emit("fit.measured", { variantId: id, tokensPerSecond: recorded });
      },
      // Memory only: the bandwidth measurement would delay a load and does not change what fits.
      largestContextFor: async (modelPath, options) =>
        fit.largestContextForFile(
          modelPath,
          withReserved(profileFromHardware(await deps.hardware.probe({})), options?.reservedBytes ?? 0),
          options?.kvCacheType,
          options?.contextSize,
          options?.sequences,
        ),
    },
    handlers: {
      "fit.presets": () => ({ presets: MACHINE_PRESETS }),
      "fit.evaluate": async ({ contextSize, machine, variantIds, kvCacheType, sequences }) => {
        const profile = await resolveMachine(machine);
        return { machine: profile, results: await fit.evaluate(deps.catalog.models(), contextSize, profile, variantIds, kvCacheType, sequences) };
      },
      "catalog.recommend": async ({ use, contextSize, machine }) => {
        const profile = await resolveMachine(machine);
        // Weighed as the rows are: the cache a default load resolves "auto" to.
        const fits = await fit.evaluate(deps.catalog.models(), contextSize, profile, undefined, "auto");
        return { machine: profile, ...recommend(use as UseCase, deps.catalog.models(), fits) };
      },
    },
  };
}

/** The machine with `bytes` of its RAM already taken. */
function withReserved(machine: MachineProfile, bytes: number): MachineProfile {
  if (bytes <= 0) return machine;
  return { ...machine, ramBytes: Math.max(0, machine.ramBytes - bytes), ramUsableBytes: Math.max(0, machine.ramUsableBytes - bytes) };
}

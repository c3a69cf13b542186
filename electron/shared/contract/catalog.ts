import { z } from "zod";
import { BENCHMARK_KEYS, type BenchmarkKey } from "../benchmarks.js";
import { call } from "./define.js";
import { KvCacheChoice, KvCacheType, MAX_SEQUENCES } from "./engine.js";

// Calls and events of the catalog, hardware probe and fit estimator. See index.ts.

export const UseCase = z.enum(["coding", "chat", "math", "fastest"]);
export type UseCase = z.infer<typeof UseCase>;

/** Published figures; BENCHMARK_LABELS (shared/benchmarks.ts) names each with its metric and window. */
export const Benchmarks = z.object(
  Object.fromEntries(BENCHMARK_KEYS.map((key) => [key, z.number().optional()])) as Record<BenchmarkKey, z.ZodOptional<z.ZodNumber>>,
);
export type Benchmarks = z.infer<typeof Benchmarks>;

export const VariantSummary = z.object({
  id: z.string(),
  modelId: z.string(),
  quant: z.string(),
  label: z.string(),
  repo: z.string(),
  files: z.array(z.object({ path: z.string(), sizeBytes: z.number(), sha256: z.string().optional() })),
  sizeBytes: z.number(),
  /** The size is the catalog's estimate, not yet confirmed by the hub. */
  approximate: z.boolean(),
});
export type VariantSummary = z.infer<typeof VariantSummary>;

export const ModelSummary = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  baseModel: z.string().optional(),
  parameters: z.object({ total: z.number(), active: z.number() }),
  licenses: z.array(z.string()),
  benchmarks: Benchmarks,
  /** What a user must know before choosing it (R1-Zero: poor readability, language mixing). */
  warning: z.string().optional(),
  uses: z.array(z.string()),
  /** Whether the model was trained on tool calls; an untrained one may still try (agents' results vary). */
  toolCalls: z.enum(["trained", "untrained"]),
  architecture: z.object({ arch: z.string(), blocks: z.number(), contextLength: z.number(), mixtureOfExperts: z.boolean() }),
  /** "builtin" or the extra catalog file it came from. */
  source: z.string(),
  variants: z.array(VariantSummary),
});
export type ModelSummary = z.infer<typeof ModelSummary>;

export const GpuInfo = z.object({
  name: z.string(),
  vramTotalBytes: z.number(),
  vramFreeBytes: z.number(),
  /** Where the figure came from: nvidia-smi, the engine's llama.cpp backend, unified memory, a preset or typed numbers. */
  source: z.string(),
  bandwidthGBs: z.number().optional(),
});
export type GpuInfo = z.infer<typeof GpuInfo>;

export const HardwareInfo = z.object({
  cpu: z.object({ model: z.string(), cores: z.number(), simd: z.array(z.string()) }),
  ramTotalBytes: z.number(),
  ramFreeBytes: z.number(),
  swapTotalBytes: z.number(),
  swapFreeBytes: z.number(),
  gpus: z.array(GpuInfo),
  /** Apple silicon: the GPU shares RAM; `gpus[0]` then describes the share the GPU may use. */
  unifiedMemory: z.boolean(),
  backend: z.string(),
  modelsDir: z.string(),
  diskFreeBytes: z.number().nullable(),
  /** Measured memory-copy bandwidth of this machine's RAM, when probed. */
  ramBandwidthGBs: z.number().nullable(),
  probeMs: z.number(),
});
export type HardwareInfo = z.infer<typeof HardwareInfo>;

/** Memory and disk as typed into the planner, in GiB: the unit every figure is shown in (`shared/format.ts`). */
const Gigabytes = z.number().min(0).max(1_000_000);

/** Numbers a person types into the planner. */
export const CustomMachine = z
  .object({
    label: z.string().max(80).optional(),
    ramGB: Gigabytes,
    gpus: z
      .array(z.object({ name: z.string().max(80).optional(), vramGB: Gigabytes, bandwidthGBs: z.number().positive().max(100_000).optional() }).strict())
      .max(16)
      .default([]),
    unifiedMemory: z.boolean().default(false),
    diskFreeGB: Gigabytes.optional(),
    ramBandwidthGBs: z.number().positive().max(100_000).optional(),
  })
  .strict();
export type CustomMachine = z.input<typeof CustomMachine>;

/** "this" (the probed machine), a preset id, or typed numbers. */
export const MachineChoice = z.union([z.string().min(1).max(64), CustomMachine]);

/** The machine an evaluation ran against, in the units the estimator uses. */
export const MachineProfile = z.object({
  id: z.string(),
  label: z.string(),
  ramBytes: z.number(),
  /** RAM the model may use before the system starts swapping (total less what the OS keeps). */
  ramUsableBytes: z.number(),
  swapBytes: z.number(),
  gpus: z.array(GpuInfo),
  unifiedMemory: z.boolean(),
  ramBandwidthGBs: z.number(),
  diskFreeBytes: z.number().nullable(),
});
export type MachineProfile = z.infer<typeof MachineProfile>;

export const Verdict = z.enum(["gpu-full", "gpu-partial", "cpu-only", "tight", "wont-fit", "no-disk"]);
export type Verdict = z.infer<typeof Verdict>;

/** Verdicts from the best way to run to the worst: a model that lacks only disk space beats one that cannot run at all. */
const VERDICTS_BEST_FIRST: readonly Verdict[] = ["gpu-full", "gpu-partial", "cpu-only", "tight", "no-disk", "wont-fit"];

/** Where a verdict stands among all of them: 0 is the best (all on the GPU), larger is worse. */
export function verdictRank(verdict: Verdict): number {
  return VERDICTS_BEST_FIRST.indexOf(verdict);
}

/** Whether a plan with this verdict runs on this machine as it is (fully or partly on the GPU, or on the CPU). */
export function runsHere(verdict: Verdict): boolean {
  return verdictRank(verdict) <= verdictRank("cpu-only");
}

export const DeviceMemory = z.object({
  device: z.string(),
  weightsBytes: z.number(),
  kvCacheBytes: z.number(),
  computeBytes: z.number(),
  totalBytes: z.number(),
  availableBytes: z.number(),
});
export type DeviceMemory = z.infer<typeof DeviceMemory>;

export const VariantFit = z.object({
  variantId: z.string(),
  modelId: z.string(),
  contextSize: z.number(),
  verdict: Verdict,
  /** One plain sentence with the numbers behind the verdict. */
  reason: z.string(),
  plan: z.object({
    gpuLayers: z.number(),
    totalLayers: z.number(),
    kvCacheOn: z.enum(["gpu", "cpu", "split"]),
    devices: z.array(DeviceMemory),
  }),
  memory: z.object({ weightsBytes: z.number(), kvCacheBytes: z.number(), computeBytes: z.number(), totalBytes: z.number() }),
  speed: z.object({
    tokensPerSecond: z.number(),
    basis: z.enum(["estimate", "measured"]),
    /** How the figure was reached (bytes per token, bandwidth assumed). */
    note: z.string(),
  }),
  /** The cache the plan assumed: its type and whether flash attention runs. */
  kvCache: z.object({ keyType: KvCacheType, valueType: KvCacheType, flashAttention: z.boolean() }),
  /** Room to reason at the evaluated context ("auto": the largest of 64K … 8K that runs here at the placement 8K gets). */
  room: z.object({ contextSize: z.number(), kvCacheType: KvCacheType, reasoningTokens: z.number(), verdict: Verdict }),
  downloadBytes: z.number(),
  /** Where the tensor table came from: the downloaded file's header, or one generated from the catalog. */
  structureFrom: z.enum(["file", "catalog"]),
});
export type VariantFit = z.infer<typeof VariantFit>;

const ContextSize = z.number().int().min(256).max(1_048_576);
/** A context size, or "auto": each variant at the context a load with the "auto" setting gives it (its room to reason). */
const PlannedContext = z.union([z.literal("auto"), ContextSize]);

export const MachinePreset = z.object({ id: z.string(), label: z.string(), group: z.string(), machine: MachineProfile });
export type MachinePreset = z.infer<typeof MachinePreset>;

export const catalogCalls = {
  "catalog.list": call(z.object({}).strict(), z.object({ models: z.array(ModelSummary), problems: z.array(z.string()) })),
  /** Re-reads sizes and hashes from the hub's tree API; approximate sizes become exact. */
  "catalog.refresh": call(z.object({}).strict(), z.object({ updatedVariants: z.number(), failures: z.array(z.string()) })),
  "hardware.probe": call(z.object({ measureBandwidth: z.boolean().default(false), fresh: z.boolean().default(false) }).strict(), HardwareInfo),
  "fit.presets": call(z.object({}).strict(), z.object({ presets: z.array(MachinePreset) })),
  "fit.evaluate": call(
    z
      .object({
        contextSize: PlannedContext,
        machine: MachineChoice.default("this"),
        /**
         * The cache the plan assumes: F16 when absent; "auto" resolves as a load resolves it (q8_0 on a GPU,
         * F16 without one where it fits). Room to reason tries the same ("auto" when absent).
         */
        kvCacheType: KvCacheChoice.optional(),
        /** Only these variants; all when absent. */
        variantIds: z.array(z.string()).max(500).optional(),
        /** "Parallel requests": each sequence's KV cache is counted; "auto" as a load plans it (1 when absent). */
        sequences: z.union([z.literal("auto"), z.number().int().min(1).max(MAX_SEQUENCES)]).optional(),
      })
      .strict(),
    z.object({ machine: MachineProfile, results: z.array(VariantFit) }),
  ),
  "catalog.recommend": call(
    z.object({ use: UseCase, contextSize: PlannedContext, machine: MachineChoice.default("this") }).strict(),
    z.object({
      machine: MachineProfile,
      variantId: z.string().nullable(),
      modelId: z.string().nullable(),
      reason: z.string(),
      fit: VariantFit.nullable(),
      /** Next best choices, best first. */
      alternatives: z.array(z.string()),
    }),
  ),
} satisfies Record<string, ReturnType<typeof call>>;

export const catalogEvents = {
  /** The catalog changed (hub refresh, extra catalog reloaded): list it again. */
  "catalog.changed": z.object({}),
  /** An answer on this machine measured a variant's speed: its row shows the measured figure from now on. */
  "fit.measured": z.object({ variantId: z.string(), tokensPerSecond: z.number() }),
} satisfies Record<string, z.ZodType>;

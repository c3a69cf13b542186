import { runsHere, type UseCase, type VariantFit } from "../../shared/contract/catalog.js";
import { BENCHMARK_LABELS } from "../../shared/benchmarks.js";
import type { CatalogEntry } from "../catalog/load-catalog.js";

/** How much of the full-precision quality a quantization keeps (rough, from published perplexity gaps). */
const QUANT_QUALITY: Record<string, number> = {
  F32: 1,
  F16: 1,
  Q8_0: 1,
  Q6_K: 0.995,
  Q5_K_M: 0.99,
  Q4_K_M: 0.975,
  "UD-Q2_K_XL": 0.95,
  "UD-IQ2_XXS": 0.93,
  "UD-IQ1_M": 0.91,
  "UD-IQ1_S": 0.9,
};

/** LiveCodeBench in the window the model was published with, later window first when both are known. */
function liveCodeBenchOf(m: CatalogEntry): ["liveCodeBench" | "liveCodeBench2505", number] | undefined {
  if (m.benchmarks.liveCodeBench2505 !== undefined) return ["liveCodeBench2505", m.benchmarks.liveCodeBench2505];
  if (m.benchmarks.liveCodeBench !== undefined) return ["liveCodeBench", m.benchmarks.liveCodeBench];
  return undefined;
}

/** The benchmark that speaks for each use, and the speed below which the use gets tiresome. */
const USE: Record<UseCase, { label: string; minTokensPerSecond: number; score: (m: CatalogEntry) => number | undefined; metric: (m: CatalogEntry) => string }> =
  {
    coding: {
      label: "coding",
      minTokensPerSecond: 5,
      // LiveCodeBench in either window (R1 scores 65.9 on the earlier, 63.5 on the later: close enough to rank by).
      score: (m) => liveCodeBenchOf(m)?.[1] ?? (m.benchmarks.codeforces !== undefined ? m.benchmarks.codeforces / 35 : undefined),
      metric: (m) => {
        const lcb = liveCodeBenchOf(m);
        return lcb ? `${BENCHMARK_LABELS[lcb[0]]} ${lcb[1]}` : `${BENCHMARK_LABELS.codeforces} ${m.benchmarks.codeforces}`;
      },
    },
    math: {
      label: "maths",
      minTokensPerSecond: 4,
      score: (m) => m.benchmarks.aime2024 ?? (m.benchmarks.math500 !== undefined ? m.benchmarks.math500 - 25 : undefined),
      metric: (m) =>
        m.benchmarks.aime2024 !== undefined ? `${BENCHMARK_LABELS.aime2024} ${m.benchmarks.aime2024}` : `${BENCHMARK_LABELS.math500} ${m.benchmarks.math500}`,
    },
    chat: {
      label: "general chat",
      minTokensPerSecond: 8,
      score: (m) => m.benchmarks.gpqaDiamond,
      metric: (m) => `${BENCHMARK_LABELS.gpqaDiamond} ${m.benchmarks.gpqaDiamond}`,
    },
    fastest: { label: "speed", minTokensPerSecond: 0, score: () => 1, metric: () => "" },
  };

export interface Recommendation {
  variantId: string | null;
  modelId: string | null;
  reason: string;
  fit: VariantFit | null;
  alternatives: string[];
}

/** The best variant for a use among those that run comfortably here, and why. */
export function recommend(use: UseCase, models: readonly CatalogEntry[], fits: readonly VariantFit[]): Recommendation {
  const rule = USE[use];
  const modelOf = new Map(models.flatMap((m) => m.variants.map((v) => [v.id, { model: m, quant: v.quant }] as const)));
  const candidates = fits
    .filter((f) => runsHere(f.verdict))
    .map((f) => {
      const entry = modelOf.get(f.variantId)!;
      const quality = QUANT_QUALITY[entry.quant] ?? 0.9;
      const base = rule.score(entry.model);
      return { fit: f, model: entry.model, quant: entry.quant, quality, base };
    })
    .filter((c) => c.base !== undefined && (use !== "fastest" || c.quality >= 0.975));
  if (candidates.length === 0) {
    return {
      variantId: null,
      modelId: null,
      fit: null,
      alternatives: [],
      reason: "No catalog model runs comfortably on this machine at this context size; try a smaller context.",
    };
  }
  const fastEnough = candidates.filter((c) => c.fit.speed.tokensPerSecond >= rule.minTokensPerSecond);
  const pool = fastEnough.length > 0 ? fastEnough : candidates;
  const score = (c: (typeof pool)[number]) => (use === "fastest" ? c.fit.speed.tokensPerSecond : c.base! * c.quality);
  pool.sort((a, b) => score(b) - score(a) || b.fit.speed.tokensPerSecond - a.fit.speed.tokensPerSecond);
  const best = pool[0]!;
  const where = best.fit.verdict === "gpu-full" ? "fully on the GPU" : best.fit.verdict === "gpu-partial" ? "partly on the GPU" : "on the CPU";
  const speed = `about ${best.fit.speed.tokensPerSecond} tokens/s (${best.fit.speed.basis})`;
  const reason =
    use === "fastest"
      ? `${best.model.name} ${best.quant} is the fastest model that runs here: ${speed}, ${where}.`
      : `${best.model.name} ${best.quant} has the best ${rule.label} score (${rule.metric(best.model)}) of the models that run here ${fastEnough.length > 0 ? `at ${rule.minTokensPerSecond}+ tokens/s` : "(none reaches a comfortable speed)"}: ${speed}, ${where}.`;
  return {
    variantId: best.fit.variantId,
    modelId: best.model.id,
    fit: best.fit,
    reason,
    // The best variant of each other model, so the alternatives are real choices, not other quants.
    alternatives: pool
      .filter((c, i) => c.model.id !== best.model.id && pool.findIndex((o) => o.model.id === c.model.id) === i)
      .slice(0, 3)
      .map((c) => c.fit.variantId),
  };
}

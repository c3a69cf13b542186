import type { LargestContextFinder } from "../chat/larger-context.js";
import type { FitEstimatorService } from "../fit/module.js";

/** Verdicts of a plan that runs on this machine (the estimator answers the smallest context with its reason otherwise). */
const RUNS = new Set(["gpu-full", "gpu-partial", "cpu-only"]);

/** Chat's "go on in a larger context" asks the fit estimator what the loaded file runs with here. */
export function largestContextLink(fit: Pick<FitEstimatorService, "largestContextFor">): LargestContextFinder {
  return async (model) => {
    const { contextSize, kvCacheType, plan } = await fit.largestContextFor(model.path);
    return RUNS.has(plan.verdict) ? { contextSize, kvCacheType } : null;
  };
}

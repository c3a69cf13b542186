import { runsHere } from "../../shared/contract/catalog.js";
import type { LocalContext } from "../chat/larger-context.js";
import type { EngineService } from "../local-engine/engine-service.js";
import type { FitEstimatorService } from "../fit/module.js";
import type { RemoteService } from "../remote/module.js";

/**
 * Chat's "go on in a larger context": the local engine's model (not while a remote server
 * answers), the fit estimator's largest context for its file, and a reload with it.
 */
export function localContextLink(
  local: EngineService,
  remote: Pick<RemoteService, "active">,
  fit: Pick<FitEstimatorService, "largestContextFor">,
): LocalContext {
  return {
    model: () => (remote.active() ? null : local.loadedModel),
    largest: async (model) => {
      const { contextSize, kvCacheType, plan } = await fit.largestContextFor(model.path);
      return runsHere(plan.verdict) ? { contextSize, kvCacheType } : null;
    },
    reload: (model, { contextSize, kvCacheType }, signal) =>
      local.load({ path: model.path, contextSize, kvCacheType, family: model.family, ...(model.variantId ? { variantId: model.variantId } : {}) }, { signal }),
  };
}

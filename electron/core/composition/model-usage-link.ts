import type { EventName, EventPayload } from "../../shared/contract/index.js";
import type { FitEstimatorService } from "../fit/module.js";
import type { EventBus } from "../kernel/event-bus.js";
import type { ModelLibrary } from "../library/library.js";

/** The local model as far as measured speeds go: the catalog variant it is (when the load named one) and whether a draft runs with it. */
interface LocalModelUsage {
  variantId: string | null;
  withDraft: boolean;
}

/**
 * What running a model teaches the rest of the app: the library's "last used", and the measured
 * generation speed that replaces the fit estimator's guess for that catalog variant. Only answers
 * the local engine gave count (a remote server's speed says nothing about this machine), and only
 * while the model that was loaded is still there: an unload, a failed load (the old model went
 * first) or a crash forgets it. With a draft loaded the speed includes its speed-up (it is how the
 * model runs here); a turn sped up by prompt lookup alone is not recorded, since only turns that
 * repeat their prompt go that fast.
 */
export function linkModelUsage(bus: EventBus, library: Pick<ModelLibrary, "touch">, fit: Pick<FitEstimatorService, "recordMeasuredSpeed">): () => void {
  let local: LocalModelUsage | null = null;

  return bus.observe((name: EventName, payload: unknown) => {
    if (name === "engine.loaded") {
      const model = (payload as EventPayload<"engine.loaded">).model;
      local = { variantId: model.variantId ?? null, withDraft: Boolean(model.draft) };
      void library.touch(model.path).catch(() => {});
    } else if (name === "engine.unloaded" || name === "engine.loadFailed" || name === "engine.crashed") {
      local = null;
    } else if (name === "chat.done") {
      const done = payload as EventPayload<"chat.done">;
      const speed = done.metrics?.generationTokensPerSecond;
      const promptLookupOnly = !local?.withDraft && done.metrics?.draftAcceptedTokens != null;
      if (done.answeredBy.kind === "local" && local?.variantId && speed && !promptLookupOnly)
        void fit.recordMeasuredSpeed(local.variantId, speed).catch(() => {});
    }
  });
}

import type { EventName, EventPayload } from "../../shared/contract/index.js";
import type { FitEstimatorService } from "../fit/module.js";
import type { EventBus } from "../kernel/event-bus.js";
import type { ModelLibrary } from "../library/library.js";

/**
 * What running a model teaches the rest of the app: the library's "last used", and the measured
 * generation speed that replaces the fit estimator's guess for that catalog variant. With a draft
 * loaded that speed includes its speed-up (it is how the model runs here); a turn sped up by prompt
 * lookup alone is not recorded, since only turns that repeat their prompt go that fast.
 */
export function linkModelUsage(bus: EventBus, library: Pick<ModelLibrary, "list" | "touch">, fit: FitEstimatorService): () => void {
  let loadedPath: string | undefined;
  let loadedWithDraft = false;
  const variantOf = async (path: string) => (await library.list()).find((m) => m.path === path || m.files.includes(path))?.variantId;

  return bus.observe((name: EventName, payload: unknown) => {
    if (name === "engine.loaded") {
      const model = (payload as EventPayload<"engine.loaded">).model;
      loadedPath = model.path;
      loadedWithDraft = Boolean(model.draft);
      void library.touch(loadedPath).catch(() => {});
    } else if (name === "chat.done" && loadedPath) {
      const metrics = (payload as EventPayload<"chat.done">).metrics;
      const speed = metrics?.generationTokensPerSecond;
      const path = loadedPath;
      const promptLookupOnly = !loadedWithDraft && metrics?.draftAcceptedTokens != null;
      if (speed && !promptLookupOnly)
        void variantOf(path)
          .then((variantId) => (variantId ? fit.recordMeasuredSpeed(variantId, speed) : undefined))
          .catch(() => {});
    }
  });
}

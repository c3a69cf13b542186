import type { EventName, EventPayload } from "../../shared/contract/index.js";
import type { FitEstimatorService } from "../fit/module.js";
import type { EventBus } from "../kernel/event-bus.js";
import type { ModelLibrary } from "../library/library.js";

/**
 * What running a model teaches the rest of the app: the library's "last used", and the measured
 * generation speed that replaces the fit estimator's guess for that catalog variant.
 */
export function linkModelUsage(bus: EventBus, library: Pick<ModelLibrary, "list" | "touch">, fit: FitEstimatorService): () => void {
  let loadedPath: string | undefined;
  const variantOf = async (path: string) => (await library.list()).find((m) => m.path === path || m.files.includes(path))?.variantId;

  return bus.observe((name: EventName, payload: unknown) => {
    if (name === "engine.loaded") {
      loadedPath = (payload as EventPayload<"engine.loaded">).model.path;
      void library.touch(loadedPath).catch(() => {});
    } else if (name === "chat.done" && loadedPath) {
      const speed = (payload as EventPayload<"chat.done">).metrics?.generationTokensPerSecond;
      const path = loadedPath;
      if (speed)
        void variantOf(path)
          .then((variantId) => (variantId ? fit.recordMeasuredSpeed(variantId, speed) : undefined))
          .catch(() => {});
    }
  });
}

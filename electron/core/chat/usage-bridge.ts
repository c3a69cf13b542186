import type { EventName, EventPayload } from "../../shared/contract/index.js";
import type { CoreContext } from "../core-context.js";

/**
 * What running a model teaches the rest of the app: the library's "last used", and the measured
 * generation speed that replaces the fit estimator's guess for that catalog variant.
 */
export function connectModelUsage(ctx: CoreContext): () => void {
  let loadedPath: string | undefined;
  const variantOf = async (path: string) => (await ctx.services.get("library").list()).find((m) => m.path === path || m.files.includes(path))?.variantId;

  return ctx.observe((name: EventName, payload: unknown) => {
    if (name === "engine.loaded") {
      loadedPath = (payload as EventPayload<"engine.loaded">).model.path;
      void ctx.services.get("library").touch(loadedPath).catch(() => {});
    } else if (name === "chat.done" && loadedPath) {
      const speed = (payload as EventPayload<"chat.done">).metrics?.generationTokensPerSecond;
      const path = loadedPath;
      if (speed)
        void variantOf(path)
          .then((variantId) => (variantId ? ctx.services.get("fit").recordMeasuredSpeed(variantId, speed) : undefined))
          .catch(() => {});
    }
  });
}

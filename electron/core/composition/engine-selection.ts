import type { EngineService } from "../engine/engine-service.js";
import type { GenerationEngine } from "../engine/generation-engine.js";
import type { RemoteService } from "../remote/module.js";

/**
 * The engine chat and the local API generate through: the selected remote server when there is
 * one, else the local engine process. Chosen per request, so a selection made mid-answer applies
 * to the next one.
 */
export function selectedEngine(local: EngineService, remote: RemoteService): GenerationEngine {
  return {
    get loadedModel() {
      return remote.active()?.loadedModel ?? local.loadedModel;
    },
    status: () => remote.active()?.status() ?? local.status(),
    generate: (request, signal) => (remote.active() ?? local).generate(request, signal),
  };
}

import type { EngineService } from "../local-engine/engine-service.js";
import { AppError } from "../kernel/errors.js";
import type { GenerationEngine } from "../generation/generation-engine.js";
import type { RemoteService } from "../remote/module.js";

/**
 * The engine chat and the local API generate through: the selected remote server when there is
 * one, else the local engine process. Chosen per request, so a selection made mid-answer applies
 * to the next one.
 */
export function selectedEngine(local: EngineService, remote: RemoteService): GenerationEngine {
  return {
    get answeredBy() {
      return (remote.active() ?? local).answeredBy;
    },
    get loadedModel() {
      return remote.active()?.loadedModel ?? local.loadedModel;
    },
    status: () => remote.active()?.status() ?? local.status(),
    generate: (request, signal) => (remote.active() ?? local).generate(request, signal),
    // Only the local engine has its tokenizer at hand; a remote server's cannot be asked.
    countTokens: (texts) =>
      remote.active()
        ? Promise.reject(new AppError("unavailable", "Token counts need a local model; a remote server's tokenizer cannot be asked."))
        : local.countTokens(texts),
  };
}

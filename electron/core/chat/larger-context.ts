import type { ChatDone, LargerContext } from "../../shared/contract/chat.js";
import type { LoadedModel } from "../../shared/contract/engine.js";

/**
 * The local model's room (wired to the engine process and the fit estimator where the app is
 * composed): what "go on in a larger context" needs, which only a local model can do.
 */
export interface LocalContext {
  /** The local model, when it is the one answering (null while a remote server answers). */
  model(): LoadedModel | null;
  /** The largest context its file runs with here and the KV cache type that allows it; null when it does not run here. */
  largest(model: LoadedModel): Promise<LargerContext | null>;
  /** Loads it again with a larger context and the KV cache type its estimate assumed. */
  reload(model: LoadedModel, larger: LargerContext, signal: AbortSignal): Promise<LoadedModel>;
}

/** Room a question that did not fit needs beyond itself: enough for R1 to reason a little and answer. */
const REPLY_ROOM = 1_024;

/**
 * The context to offer for going on after a response stopped at the context: the largest that
 * fits, when it is larger than the one loaded and holds what the response needs. Null otherwise
 * (also when the estimate fails: the notice then stands without the action). The one question to
 * the estimator: the answer travels with its KV cache type to the reload.
 */
export async function largerContextFor(done: Pick<ChatDone, "stopReason" | "metrics">, local: LocalContext | undefined): Promise<LargerContext | null> {
  const model = local?.model();
  if (!local || !model || (done.stopReason !== "context-full" && done.stopReason !== "prompt-too-long")) return null;
  const needed = done.stopReason === "prompt-too-long" ? (done.metrics?.promptTokens ?? model.contextSize) + REPLY_ROOM : model.contextSize + 1;
  const largest = await local.largest(model).catch(() => null);
  return largest && largest.contextSize >= needed && largest.contextSize > model.contextSize ? largest : null;
}

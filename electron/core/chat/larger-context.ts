import type { ChatDone } from "../../shared/contract/chat.js";
import type { KvCacheType, LoadedModel } from "../../shared/contract/engine.js";

/**
 * The largest context the loaded model's file runs with on this machine and the KV cache type that
 * allows it (the fit estimator, where the app is composed); null when that is unknown.
 */
export type LargestContextFinder = (model: LoadedModel) => Promise<{ contextSize: number; kvCacheType: KvCacheType } | null>;

/** Room a question that did not fit needs beyond itself: enough for R1 to reason a little and answer. */
const REPLY_ROOM = 1_024;

/**
 * The context to offer for going on after a response stopped at the context: the largest that
 * fits, when it is larger than the one loaded and holds what the response needs. Null otherwise
 * (also when the estimate fails: the notice then stands without the action).
 */
export async function largerContextFor(
  done: Pick<ChatDone, "stopReason" | "metrics">,
  model: LoadedModel | null,
  find: LargestContextFinder | undefined,
): Promise<number | null> {
  if (!model || !find || (done.stopReason !== "context-full" && done.stopReason !== "prompt-too-long")) return null;
  const needed = done.stopReason === "prompt-too-long" ? (done.metrics?.promptTokens ?? model.contextSize) + REPLY_ROOM : model.contextSize + 1;
  const largest = (await find(model).catch(() => null))?.contextSize ?? null;
  return largest !== null && largest >= needed && largest > model.contextSize ? largest : null;
}

import type { CapabilityModule, CoreContext } from "../kernel/context.js";
import { SavedContextCache } from "./saved-context-cache.js";
import { damageNotice } from "../kernel/damage-notice.js";

/** 4 GiB: about 20 conversations of 4K tokens on a 7B distill (f16 cache), far more on small models. */
export const DEFAULT_SAVED_CONTEXT_BYTES = 4 * 2 ** 30;

/** Saved conversation contexts (see SavedContextCache); no calls of its own. */
export function createSavedContextModule(ctx: CoreContext, options: { maxBytes?: number } = {}): CapabilityModule<SavedContextCache> {
  const service = new SavedContextCache(ctx.dataDir, {
    maxBytes: options.maxBytes ?? DEFAULT_SAVED_CONTEXT_BYTES,
    onDamaged: damageNotice(ctx, "The index of saved conversation contexts", "each conversation is evaluated again on its next answer."),
  });
  void service.removeOrphans().catch(() => undefined);
  return { service, handlers: {} };
}

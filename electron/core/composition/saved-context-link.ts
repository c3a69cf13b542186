import type { EventName, EventPayload } from "../../shared/contract/index.js";
import type { EventBus } from "../kernel/event-bus.js";
import type { SavedContextCache } from "../saved-context/saved-context-cache.js";

/** A deleted conversation's saved context goes with it (restoring it later evaluates it again). */
export function linkSavedContextCleanup(bus: EventBus, cache: Pick<SavedContextCache, "forget">): () => void {
  return bus.observe((name: EventName, payload: unknown) => {
    if (name !== "conversations.changed") return;
    const { conversationId, kind } = payload as EventPayload<"conversations.changed">;
    if (kind === "deleted" && conversationId) void cache.forget(conversationId).catch(() => undefined);
  });
}

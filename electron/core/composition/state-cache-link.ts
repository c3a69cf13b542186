import type { EventName, EventPayload } from "../../shared/contract/index.js";
import type { EventBus } from "../kernel/event-bus.js";
import type { ConversationStateCache } from "../state-cache/state-cache.js";

/** A deleted conversation's saved context goes with it (restoring it later evaluates it again). */
export function linkConversationStateCleanup(bus: EventBus, cache: Pick<ConversationStateCache, "forget">): () => void {
  return bus.observe((name: EventName, payload: unknown) => {
    if (name !== "conversations.changed") return;
    const { conversationId, kind } = payload as EventPayload<"conversations.changed">;
    if (kind === "deleted" && conversationId) void cache.forget(conversationId).catch(() => undefined);
  });
}

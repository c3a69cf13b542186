import type { ConversationWindow } from "./conversation-window.js";

/** The last window of the most recently used conversations, so switching between a few keeps their context shift. */
export class ConversationWindowCache {
  private readonly windows = new Map<string, ConversationWindow>();

  constructor(private readonly capacity = 32) {}

  get(conversationId: string): ConversationWindow | undefined {
    return this.windows.get(conversationId);
  }

  /** Stores the window as the most recent; the least recently stored one goes when over capacity. */
  remember(conversationId: string, window: ConversationWindow): void {
    this.windows.delete(conversationId);
    this.windows.set(conversationId, window);
    if (this.windows.size > this.capacity) this.windows.delete(this.windows.keys().next().value as string);
  }

  clear(): void {
    this.windows.clear();
  }
}

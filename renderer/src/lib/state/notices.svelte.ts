import type { EventPayload } from "$shared/contract/index.js";
import { api } from "../api/client.js";

/** The core's levels, and "success" for what the renderer itself reports done (a finished download). */
export type NoticeLevel = EventPayload<"app.notice">["level"] | "success";

export interface Notice {
  readonly id: number;
  readonly level: NoticeLevel;
  readonly message: string;
}

export interface NoticesGateway {
  onAppNotice(listener: (e: EventPayload<"app.notice">) => void): () => void;
  onChatNotice(listener: (e: EventPayload<"chat.notice">) => void): () => void;
}

export const coreNoticesGateway: NoticesGateway = {
  onAppNotice: (listener) => api.on("app.notice", listener),
  onChatNotice: (listener) => api.on("chat.notice", listener),
};

/** At most this many notices show at once; the oldest gives way. */
export const MAX_NOTICES = 4;
/** Info and success notices hide themselves after this long; warnings and errors stay until dismissed. */
export const INFO_HIDE_MS = 10_000;

/**
 * What the core wants a person to know that no call is waiting for: a repaired settings file, a
 * damaged conversation store, an API port that would not open, a mid-answer context shift.
 */
export class Notices {
  #items = $state<Notice[]>([]);
  #nextId = 1;
  // Timer handles are bookkeeping, never shown, so a plain Map is right here.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #timers = new Map<number, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly gateway: NoticesGateway = coreNoticesGateway,
    private readonly infoHideMs = INFO_HIDE_MS,
  ) {}

  /** Newest last. */
  get items(): readonly Notice[] {
    return this.#items;
  }

  /** Subscribes to both notice events; call before the first call to the core so start-up notices arrive. */
  connect(): () => void {
    const offApp = this.gateway.onAppNotice((e) => this.add(e.level, e.message));
    // A context shift changes what the answer is based on: it stays until dismissed.
    const offChat = this.gateway.onChatNotice((e) => this.add("warning", e.message));
    return () => {
      offApp();
      offChat();
    };
  }

  /** Shows a notice; the same words already showing are not shown twice (an info one restarts its timer). */
  add(level: NoticeLevel, message: string): void {
    const text = message.trim();
    if (!text) return;
    const same = this.#items.find((n) => n.message === text && n.level === level);
    if (same) {
      this.#hideLater(same);
      return;
    }
    const notice: Notice = { id: this.#nextId++, level, message: text };
    const kept = [...this.#items, notice];
    for (const dropped of kept.splice(0, Math.max(0, kept.length - MAX_NOTICES))) this.#forget(dropped.id);
    this.#items = kept;
    this.#hideLater(notice);
  }

  dismiss(id: number): void {
    this.#forget(id);
    this.#items = this.#items.filter((n) => n.id !== id);
  }

  #hideLater(notice: Notice): void {
    if (notice.level === "warning" || notice.level === "error") return;
    this.#forget(notice.id);
    this.#timers.set(
      notice.id,
      setTimeout(() => this.dismiss(notice.id), this.infoHideMs),
    );
  }

  #forget(id: number): void {
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
  }
}

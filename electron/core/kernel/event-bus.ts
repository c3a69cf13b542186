import type { EventName, EventPayload } from "../../shared/contract/index.js";

export type EventListener = (name: EventName, payload: unknown) => void;
export type EventSink = <K extends EventName>(name: K, payload: EventPayload<K>) => void;

/** How many early events are kept for the first listener; start-up emits a handful at most. */
const EARLY_LIMIT = 100;

/**
 * Every event the core emits goes through here. Events emitted before anyone listened (start-up
 * repairs, say) are handed to the first listener, so a notice is never lost to timing.
 */
export class EventBus {
  readonly #listeners = new Set<EventListener>();
  #early: [EventName, unknown][] | undefined = [];

  readonly emit: EventSink = (name, payload) => {
    if (this.#early && this.#early.length < EARLY_LIMIT) this.#early.push([name, payload]);
    for (const listener of this.#listeners) listener(name, payload);
  };

  /** A transport's subscription: receives the early events first. */
  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    const early = this.#early;
    this.#early = undefined;
    for (const [name, payload] of early ?? []) listener(name, payload);
    return () => this.#listeners.delete(listener);
  }

  /** Wiring inside the core: sees events from now on, and leaves the early ones for transports. */
  observe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

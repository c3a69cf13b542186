import type { CallOutcome } from "./errors.js";
import type { EventListener } from "./event-bus.js";

/**
 * What a transport (the serve-mode WebSocket, Electron's IPC bridge) needs of the core: dispatch a
 * call, subscribe to events. Transports depend on this, never on the composed app.
 */
export interface CoreEndpoint {
  dispatch(name: unknown, payload: unknown): Promise<CallOutcome>;
  subscribe(listener: EventListener): () => void;
}

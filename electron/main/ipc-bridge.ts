import type { IpcMainInvokeEvent, WebContents } from "electron";
import type { CoreEndpoint } from "../core/kernel/endpoint.js";
import { events, type EventName, type EventPayload } from "../shared/contract/index.js";
import { isAppUrl } from "./window-options.js";

export const CALL_CHANNEL = "r1:call";
export const EVENT_CHANNEL = "r1:event";

/**
 * The IPC side of the contract. Only the app's own top frame may call; the core validates every
 * payload exactly as it does for the WebSocket transport.
 */
export function createCallHandler(core: CoreEndpoint, devServerUrl?: string) {
  return async (event: IpcMainInvokeEvent, name: unknown, payload: unknown) => {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null || !isAppUrl(frame.url, devServerUrl)) {
      return { ok: false, error: { code: "bad-request", message: "Calls are accepted only from the app's own window." } };
    }
    return core.dispatch(name, payload);
  };
}

/**
 * Sends the core's events to the window. Call it once the first window has loaded: the core keeps
 * what it emitted before (start-up notices: a repaired settings file, a damaged store) for its
 * first subscriber, so nothing is lost to timing.
 */
export function forwardEvents(core: CoreEndpoint, target: () => WebContents | undefined): () => void {
  return core.subscribe((name, payload) => {
    const contents = target();
    if (contents && !contents.isDestroyed()) contents.send(EVENT_CHANNEL, name, payload);
  });
}

/** An event from the shell itself (the menu, say) to the window, checked against the contract first. */
export function sendEvent<K extends EventName>(contents: WebContents | undefined, name: K, payload: EventPayload<K>): void {
  const checked = events[name].parse(payload);
  if (contents && !contents.isDestroyed()) contents.send(EVENT_CHANNEL, name, checked);
}

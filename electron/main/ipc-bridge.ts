import type { IpcMainInvokeEvent, WebContents } from "electron";
import type { CoreEndpoint } from "../core/kernel/endpoint.js";
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

export function forwardEvents(core: CoreEndpoint, target: () => WebContents | undefined): () => void {
  return core.subscribe((name, payload) => {
    const contents = target();
    if (contents && !contents.isDestroyed()) contents.send(EVENT_CHANNEL, name, payload);
  });
}

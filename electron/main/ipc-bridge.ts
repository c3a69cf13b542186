import type { IpcMainInvokeEvent, WebContents } from "electron";
import type { AppCore } from "../core/app-core.js";
import { events, type EventName, type EventPayload } from "../shared/contract/index.js";
import { isAppUrl } from "./window-options.js";

export const CALL_CHANNEL = "r1:call";
export const EVENT_CHANNEL = "r1:event";

/**
 * The IPC side of the contract. Only the app's own top frame may call; the core validates every
 * payload exactly as it does for the WebSocket transport.
 */
export function createCallHandler(core: AppCore, devServerUrl?: string) {
  return async (event: IpcMainInvokeEvent, name: unknown, payload: unknown) => {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null || !isAppUrl(frame.url, devServerUrl)) {
      return { ok: false, error: { code: "bad-request", message: "Calls are accepted only from the app's own window." } };
    }
    return core.dispatch(name, payload);
  };
}

/**
 * Sends the core's events to the window. Those from before the first window has loaded (the core's
 * start-up notices: a repaired settings file, a damaged store) wait for it, or they would be lost.
 */
export function forwardEvents(core: AppCore, target: () => WebContents | undefined, retryMs = 250): () => void {
  let waiting: [string, unknown][] | undefined = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watched = new WeakSet<WebContents>();
  const flush = () => {
    timer = undefined;
    const contents = target();
    if (!waiting || !contents || contents.isDestroyed()) {
      if (waiting) timer = setTimeout(flush, retryMs);
      return;
    }
    if (contents.isLoading() || !contents.getURL()) {
      if (!watched.has(contents)) contents.once("did-finish-load", flush);
      watched.add(contents);
      return;
    }
    const queued = waiting;
    waiting = undefined;
    for (const [name, payload] of queued) contents.send(EVENT_CHANNEL, name, payload);
  };
  const unsubscribe = core.subscribe((name, payload) => {
    if (waiting) {
      if (waiting.length < 100) waiting.push([name, payload]);
      if (!timer) flush();
      return;
    }
    const contents = target();
    if (contents && !contents.isDestroyed()) contents.send(EVENT_CHANNEL, name, payload);
  });
  flush();
  return () => {
    clearTimeout(timer);
    waiting = undefined;
    unsubscribe();
  };
}

/** An event from the shell itself (the menu, say) to the window, checked against the contract first. */
export function sendEvent<K extends EventName>(contents: WebContents | undefined, name: K, payload: EventPayload<K>): void {
  const checked = events[name].parse(payload);
  if (contents && !contents.isDestroyed()) contents.send(EVENT_CHANNEL, name, checked);
}

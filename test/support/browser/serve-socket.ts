// A Node client for serve mode's WebSocket contract, as the renderer speaks it: typed calls and
// the events the core broadcasts.
import WebSocket from "ws";
import type { CallName, CallRequest, CallResponse, EventName, EventPayload } from "../../../electron/shared/contract/index.js";
import type { WireEvent, WireResult } from "../../../electron/shared/contract/wire.js";
import type { ServeProcess } from "./serve-process.js";

export interface ServeSocket {
  /** Calls the core and returns the value, throwing `code: message` if the call failed. */
  call<K extends CallName>(name: K, payload: CallRequest<K>): Promise<CallResponse<K>>;
  /** Resolves with the first `name` event (from now on) whose payload matches. */
  nextEvent<K extends EventName>(name: K, match?: (payload: EventPayload<K>) => boolean, timeoutMs?: number): Promise<EventPayload<K>>;
  close(): void;
}

/** Opens the socket as the page does: the launch's token in the handshake's subprotocols, the server's own Origin. */
export async function openServeSocket(serve: Pick<ServeProcess, "origin" | "token">): Promise<ServeSocket> {
  const ws = new WebSocket(`${serve.origin.replace(/^http/, "ws")}/ws`, ["r1-local", `r1-token.${serve.token}`], { headers: { origin: serve.origin } });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("unexpected-response", (_req, res) => reject(new Error(`WebSocket refused: HTTP ${res.statusCode}`)));
    ws.once("error", reject);
  });
  const pending = new Map<number, (result: WireResult) => void>();
  const listeners = new Set<(event: WireEvent) => void>();
  ws.on("message", (data) => {
    const message = JSON.parse(data.toString()) as WireResult | WireEvent;
    if (message.t === "result") pending.get(message.id)?.(message);
    else for (const listener of listeners) listener(message);
  });
  let nextId = 1;
  return {
    call: (name, payload) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, (result) => {
          pending.delete(id);
          if (result.ok) resolve(result.value as CallResponse<typeof name>);
          else reject(new Error(`${name}: ${result.error.code}: ${result.error.message}`));
        });
        ws.send(JSON.stringify({ t: "call", id, name, payload }));
      }),
    nextEvent: (name, match = () => true, timeoutMs = 120_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(new Error(`No ${name} event within ${timeoutMs} ms`));
        }, timeoutMs);
        const listener = (event: WireEvent) => {
          if (event.name !== name || !match(event.payload as EventPayload<typeof name>)) return;
          clearTimeout(timer);
          listeners.delete(listener);
          resolve(event.payload as EventPayload<typeof name>);
        };
        listeners.add(listener);
      }),
    close: () => ws.close(),
  };
}

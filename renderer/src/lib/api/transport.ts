import type { WireResult } from "$shared/contract/wire.js";
import { CONVERSATIONS_IMPORT_PATH } from "$shared/upload-routes.js";

export type CallOutcome = Omit<Extract<WireResult, { ok: true }>, "t" | "id"> | Omit<Extract<WireResult, { ok: false }>, "t" | "id">;
export type EventListener = (name: string, payload: unknown) => void;

/** How the renderer reaches the core: Electron's preload bridge, or a WebSocket in serve mode. */
export interface Transport {
  call(name: string, payload: unknown): Promise<CallOutcome>;
  /** `conversations.import` with a file: read here over IPC, uploaded in serve mode (too large for a socket message). */
  importConversations(file: Blob): Promise<CallOutcome>;
  onEvent(listener: EventListener): () => void;
  onConnectionChange(listener: (connected: boolean) => void): () => void;
}

/** What the preload exposes as window.api: the contract's calls and events, nothing generic. */
export interface PreloadBridge {
  call(name: string, payload: unknown): Promise<CallOutcome>;
  onEvent(listener: EventListener): () => void;
}

declare global {
  interface Window {
    api?: PreloadBridge;
  }
}

export class IpcTransport implements Transport {
  constructor(private readonly bridge: PreloadBridge) {}
  call(name: string, payload: unknown) {
    return this.bridge.call(name, payload);
  }
  async importConversations(file: Blob) {
    return this.bridge.call("conversations.import", { content: await file.text() });
  }
  onEvent(listener: EventListener) {
    return this.bridge.onEvent(listener);
  }
  onConnectionChange(listener: (connected: boolean) => void) {
    listener(true);
    return () => {};
  }
}

const MISSING_TOKEN = "this tab has no access token. Open the full address serve mode printed (it ends in #token=…).";

/**
 * Serve mode: one WebSocket to the page's own origin. The launch token is presented in the
 * handshake as the `r1-token.<token>` subprotocol (browsers cannot set headers on a WebSocket);
 * it is never a cookie, so other sites and servers on 127.0.0.1 never receive it.
 */
export class WebSocketTransport implements Transport {
  private socket: WebSocket | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, (outcome: CallOutcome) => void>();
  private readonly listeners = new Set<EventListener>();
  private readonly connectionListeners = new Set<(connected: boolean) => void>();
  private opened: Promise<WebSocket> | undefined;
  private retryMs = 250;

  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  private connect(): Promise<WebSocket> {
    this.opened ??= new Promise((resolve) => {
      const socket = new WebSocket(this.url, ["r1-local", `r1-token.${this.token}`]);
      socket.onopen = () => {
        this.socket = socket;
        this.retryMs = 250;
        this.connectionListeners.forEach((l) => l(true));
        resolve(socket);
      };
      socket.onmessage = (message) => this.receive(String(message.data));
      socket.onclose = () => {
        this.socket = undefined;
        this.opened = undefined;
        this.connectionListeners.forEach((l) => l(false));
        for (const [id, settle] of this.pending) {
          settle({ ok: false, error: { code: "unavailable", message: "Lost the connection to R1 Local." } });
          this.pending.delete(id);
        }
        setTimeout(() => void this.connect().then(resolve), this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, 5000);
      };
    });
    return this.opened;
  }

  private receive(text: string): void {
    const message = JSON.parse(text) as { t: string; id?: number; name?: string; payload?: unknown };
    if (message.t === "event") {
      this.listeners.forEach((l) => l(message.name!, message.payload));
    } else if (message.t === "result" && message.id !== undefined) {
      const settle = this.pending.get(message.id);
      this.pending.delete(message.id);
      const { t: _t, id: _id, ...outcome } = message as unknown as WireResult;
      settle?.(outcome as CallOutcome);
    }
  }

  async call(name: string, payload: unknown): Promise<CallOutcome> {
    // Without the launch token the server refuses the socket: say what to do instead of retrying forever.
    if (!this.token) return { ok: false, error: { code: "unauthorized", message: MISSING_TOKEN } };
    const socket = await this.connect();
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      socket.send(JSON.stringify({ t: "call", id, name, payload }));
    });
  }

  /** An authenticated upload to the serve server (same token as the socket's, as a Bearer header), answered with a call's outcome. */
  async importConversations(file: Blob): Promise<CallOutcome> {
    if (!this.token) return { ok: false, error: { code: "unauthorized", message: MISSING_TOKEN } };
    const url = new URL(CONVERSATIONS_IMPORT_PATH, this.url.replace(/^ws/, "http"));
    try {
      const response = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json" }, body: file });
      const outcome = (await response.json()) as CallOutcome;
      if (typeof outcome?.ok === "boolean") return outcome;
    } catch {
      // The message below says it.
    }
    return { ok: false, error: { code: "unavailable", message: "Could not send the file to R1 Local; is it still running?" } };
  }

  onEvent(listener: EventListener) {
    this.listeners.add(listener);
    if (this.token) void this.connect();
    return () => void this.listeners.delete(listener);
  }

  onConnectionChange(listener: (connected: boolean) => void) {
    this.connectionListeners.add(listener);
    listener(this.socket !== undefined);
    return () => void this.connectionListeners.delete(listener);
  }
}

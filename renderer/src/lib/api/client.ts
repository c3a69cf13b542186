import type { CallName, CallRequest, CallResponse, EventName, EventPayload } from "$shared/contract/index.js";
import type { ErrorCode } from "$shared/errors.js";
import { IpcTransport, WebSocketTransport, type Transport } from "./transport.js";

/** A call the core refused or failed, with the core's code (the one error type's, see shared/errors.ts). */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The one module that talks to the core. Everything else in the renderer goes through `api`. */
export class ApiClient {
  private connected: Transport | undefined;

  /** The transport is made on first use, so importing state classes (e.g. in tests) opens nothing. */
  constructor(private readonly makeTransport: () => Transport) {}

  get transport(): Transport {
    return (this.connected ??= this.makeTransport());
  }

  async call<K extends CallName>(name: K, request: CallRequest<K>): Promise<CallResponse<K>> {
    const outcome = await this.transport.call(name, request);
    if (!outcome.ok) throw new ApiError(outcome.error.code, outcome.error.message);
    return outcome.value as CallResponse<K>;
  }

  /** Imports a JSON export from a file the person picked (uploaded in serve mode, never one socket message). */
  async importConversations(file: Blob): Promise<CallResponse<"conversations.import">> {
    const outcome = await this.transport.importConversations(file);
    if (!outcome.ok) throw new ApiError(outcome.error.code, outcome.error.message);
    return outcome.value as CallResponse<"conversations.import">;
  }

  on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void {
    return this.transport.onEvent((eventName, payload) => {
      if (eventName === name) listener(payload as EventPayload<K>);
    });
  }

  onConnectionChange(listener: (connected: boolean) => void): () => void {
    return this.transport.onConnectionChange(listener);
  }
}

function pickTransport(): Transport {
  if (window.api) return new IpcTransport(window.api);
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return new WebSocketTransport(`${scheme}://${location.host}/ws`, serveToken());
}

/**
 * Serve mode's launch token: it arrives in the address's fragment (never sent to any server),
 * is kept for this tab only (sessionStorage survives a reload, not a new tab) and leaves the
 * address bar at once.
 */
function serveToken(): string {
  const fromFragment = new URLSearchParams(location.hash.slice(1)).get("token");
  if (fromFragment) {
    sessionStorage.setItem("r1-token", fromFragment);
    history.replaceState(history.state, "", location.pathname + location.search);
  }
  return fromFragment ?? sessionStorage.getItem("r1-token") ?? "";
}

export const api = new ApiClient(pickTransport);

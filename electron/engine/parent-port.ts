import type { EngineToCore } from "../shared/contract/engine-protocol.js";

/** The engine's line to the app core, whichever way it was started. */
export interface ParentPort {
  send(message: EngineToCore): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called when the core goes away: the engine has no reason to live on. */
  onDisconnect(listener: () => void): void;
}

interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: "message", listener: (event: { data: unknown }) => void): void;
}

/**
 * Electron's utilityProcess gives the child `process.parentPort`; Node's child_process.fork gives
 * `process.send`. Both carry plain objects, so the protocol is the same.
 */
export function connectToParent(): ParentPort {
  const electronPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (electronPort) {
    return {
      send: (message) => electronPort.postMessage(message),
      onMessage: (listener) => electronPort.on("message", (event) => listener(event.data)),
      onDisconnect: () => {
        // utilityProcess children are killed by Electron when the app quits.
      },
    };
  }
  if (process.send) {
    const send = process.send.bind(process);
    return {
      send: (message) => {
        if (process.connected) send(message);
      },
      onMessage: (listener) => process.on("message", listener),
      onDisconnect: (listener) => process.on("disconnect", listener),
    };
  }
  throw new Error("The engine process must be started by R1 Local (no IPC channel to the app).");
}

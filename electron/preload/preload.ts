import { contextBridge, ipcRenderer, type IpcRendererEvent } from "electron";
import { callNames, eventNames } from "../shared/contract/index.js";

// The renderer gets the contract's calls and events, nothing generic: no raw ipcRenderer, no
// arbitrary channels. Channel names match electron/main/ipc-bridge.ts.
const calls = new Set<string>(callNames);
const events = new Set<string>(eventNames);

contextBridge.exposeInMainWorld("api", {
  call(name: string, payload: unknown) {
    if (!calls.has(name)) return Promise.resolve({ ok: false, error: { code: "unknown-call", message: `Unknown call "${name}".` } });
    return ipcRenderer.invoke("r1:call", name, payload);
  },
  onEvent(listener: (name: string, payload: unknown) => void) {
    const forward = (_event: IpcRendererEvent, name: string, payload: unknown) => {
      if (events.has(name)) listener(name, payload);
    };
    ipcRenderer.on("r1:event", forward);
    return () => void ipcRenderer.off("r1:event", forward);
  },
});

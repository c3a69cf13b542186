import { CoreToEngine, type EngineToCore } from "../shared/contract/engine-protocol.js";
import { EngineError, EngineHost } from "./engine-host.js";
import { BackendUnavailableError } from "./backend.js";
import { connectToParent } from "./parent-port.js";

/**
 * The engine process: node-llama-cpp runs here and nowhere else, so a native abort in llama.cpp
 * (a malformed file, GPU out of memory) ends this process, not the app. The core restarts it.
 */
const port = connectToParent();
const host = new EngineHost(
  (message: EngineToCore) => port.send(message),
  (message) => process.stderr.write(`[engine] ${message}\n`),
);

port.onMessage((raw) => {
  const parsed = CoreToEngine.safeParse(raw);
  if (!parsed.success) {
    process.stderr.write(`[engine] ignored a malformed message: ${parsed.error.message}\n`);
    return;
  }
  const message = parsed.data;
  if (message.kind === "cancel") {
    host.cancel(message.opId);
    return;
  }
  host.handle(message.method, message.params).then(
    (value) => port.send({ kind: "result", id: message.id, ok: true, value }),
    (err: unknown) => {
      const code = err instanceof EngineError ? err.code : err instanceof BackendUnavailableError ? "backend-missing" : "failed";
      const text = err instanceof Error ? err.message : String(err);
      port.send({ kind: "error", id: message.id, error: { code, message: text } });
    },
  );
});

port.onDisconnect(() => {
  void host.close().finally(() => process.exit(0));
});

port.send({ kind: "ready", pid: process.pid });

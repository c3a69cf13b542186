import { CoreToEngine, type EngineToCore } from "../shared/contract/engine-protocol.js";
import { AppError } from "../shared/errors.js";
import { BackendAttempts } from "./backend-attempts.js";
import { EngineHost } from "./engine-host.js";
import { connectToParent } from "./parent-port.js";

/**
 * The engine process: node-llama-cpp runs here and nowhere else, so a native abort in llama.cpp
 * (a malformed file, GPU out of memory) ends this process, not the app. The core restarts it.
 */
// This process is the test of each backend it starts (backend-attempts.ts), so node-llama-cpp's own
// forked binary test, which needs Electron's RunAsNode fuse, is skipped (patches/node-llama-cpp+*.patch).
process.env.NODE_LLAMA_CPP_SKIP_BINARY_TEST = "true";
const port = connectToParent();
const host = new EngineHost(
  (message: EngineToCore) => port.send(message),
  (message) => process.stderr.write(`[engine] ${message}\n`),
  // The core names the data folder's engine/ (launcher env): backends that crashed the engine stay excluded there.
  BackendAttempts.open(process.env.R1_ENGINE_STATE_DIR),
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
    // Failures keep their code on the way to the core; anything unexpected goes as "failed".
    (err: unknown) => port.send({ kind: "error", id: message.id, error: AppError.from(err).toWire() }),
  );
});

port.onDisconnect(() => {
  void host.close().finally(() => process.exit(0));
});

port.send({ kind: "ready", pid: process.pid });

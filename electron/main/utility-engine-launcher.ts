import { utilityProcess } from "electron";
import type { EngineLauncher, EngineProcess } from "../core/local-engine/launcher.js";

/**
 * Starts the engine with Electron's utilityProcess (a Node child that Electron manages and kills
 * with the app). A native crash in llama.cpp ends this process only; the core restarts it.
 */
export class UtilityEngineLauncher implements EngineLauncher {
  constructor(private readonly entryFile: string) {}

  launch(env: Record<string, string> = {}): EngineProcess {
    const child = utilityProcess.fork(this.entryFile, [], {
      stdio: ["ignore", "inherit", "pipe"],
      serviceName: "R1 Local engine",
      env: { ...process.env, ...env },
    });
    child.stderr?.setEncoding("utf8");
    let exited = false;
    return {
      get pid() {
        return child.pid;
      },
      send: (message) => {
        if (!exited) child.postMessage(message);
      },
      onMessage: (listener) => child.on("message", listener),
      onExit: (listener) =>
        child.once("exit", (code) => {
          exited = true;
          // utilityProcess reports no signal; a native abort shows as a non-zero code.
          listener({ code, signal: null });
        }),
      onStderr: (listener) => child.stderr?.on("data", (text: string) => listener(text)),
      kill: () => void child.kill(),
    };
  }
}

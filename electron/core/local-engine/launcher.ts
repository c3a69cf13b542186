import { fork } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { CoreToEngine } from "../../shared/contract/engine-protocol.js";

export interface EngineExit {
  code: number | null;
  signal: string | null;
}

/** A running engine process, however it was started. */
export interface EngineProcess {
  readonly pid: number | undefined;
  send(message: CoreToEngine): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (exit: EngineExit) => void): void;
  /** The process's stderr (llama.cpp's own messages end up here); kept for crash reports. */
  onStderr(listener: (text: string) => void): void;
  kill(signal?: NodeJS.Signals): void;
}

/**
 * Starts engine processes. In Node (serve mode, tests) that is child_process.fork; Electron main
 * provides one built on utilityProcess.fork with the same entry (see `resolveEngineEntry`).
 */
export interface EngineLauncher {
  /** `env`: added to the process's environment (R1_ENGINE_STATE_DIR: where the engine keeps its backend attempts). */
  launch(env?: Record<string, string>): EngineProcess;
}

export interface EngineEntry {
  /** The module to run. */
  file: string;
  /** Node flags it needs: the TypeScript source runs through tsx. */
  execArgv: string[];
}

/**
 * Where the engine's entry is: next to this source under tsx/vitest (`electron/engine/engine.ts`,
 * run with `--import tsx`), or in the build output (`out/engine/engine.js`). R1_ENGINE_ENTRY
 * overrides both.
 */
export function resolveEngineEntry(env: Record<string, string | undefined> = process.env, fromUrl: string = import.meta.url): EngineEntry {
  const override = env.R1_ENGINE_ENTRY;
  if (override) return { file: path.resolve(override), execArgv: override.endsWith(".ts") ? ["--import", "tsx"] : [] };
  const here = path.dirname(fileURLToPath(fromUrl));
  if (fromUrl.endsWith(".ts")) {
    return { file: path.resolve(here, "../../engine/engine.ts"), execArgv: ["--import", "tsx"] };
  }
  // Built: look upwards for out/engine/engine.js (the core may be bundled at any depth under out/).
  for (let dir = here, i = 0; i < 5; dir = path.dirname(dir), i++) {
    for (const candidate of [path.join(dir, "engine", "engine.js"), path.join(dir, "out", "engine", "engine.js")]) {
      if (existsSync(candidate)) return { file: candidate, execArgv: [] };
    }
  }
  throw new Error(`The engine entry (out/engine/engine.js) was not found near ${here}. Build the app first.`);
}

export class NodeEngineLauncher implements EngineLauncher {
  constructor(private readonly entry: EngineEntry = resolveEngineEntry()) {}

  launch(env: Record<string, string> = {}): EngineProcess {
    const child = fork(this.entry.file, [], {
      execArgv: this.entry.execArgv,
      env: { ...process.env, ...env },
      stdio: ["ignore", "inherit", "pipe", "ipc"],
      serialization: "json",
    });
    child.stderr?.setEncoding("utf8");
    return {
      get pid() {
        return child.pid;
      },
      send: (message) => {
        if (child.connected) child.send(message);
      },
      onMessage: (listener) => child.on("message", listener),
      onExit: (listener) => child.once("exit", (code, signal) => listener({ code, signal })),
      onStderr: (listener) => child.stderr?.on("data", (text: string) => listener(text)),
      kill: (signal) => child.kill(signal),
    };
  }
}

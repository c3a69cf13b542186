import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";

const root = path.resolve(import.meta.dirname, "../../..");

export interface ServeProcess {
  /** The printed address: the page, with this launch's token in the fragment. */
  url: string;
  token: string;
  origin: string;
  dataDir: string;
  process: ChildProcess;
  output: string[];
  stop(): Promise<void>;
}

/**
 * Starts serve mode exactly as `npm run serve -- --port 0 --data-dir DIR` does (the renderer must be
 * built) and resolves with the tokenised address it prints.
 */
export async function startServeProcess(options: { dataDir?: string; env?: Record<string, string>; args?: string[] } = {}): Promise<ServeProcess> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), "r1-serve-")));
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "electron/core/composition/serve-cli.ts", "--port", "0", "--data-dir", dataDir, ...(options.args ?? [])],
    {
      cwd: root,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const output: string[] = [];
  createInterface({ input: child.stderr! }).on("line", (line) => output.push(line));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve mode printed no address:\n${output.join("\n")}`)), 60_000);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      output.push(line);
      if (/^http:\/\/\S+\/#token=\S+$/.test(line)) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`serve mode exited (${code}):\n${output.join("\n")}`));
    });
  });
  return {
    url,
    token: new URLSearchParams(new URL(url).hash.slice(1)).get("token") ?? "",
    origin: new URL(url).origin,
    dataDir,
    process: child,
    output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

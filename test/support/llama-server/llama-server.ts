// A real llama.cpp `llama-server`, built from the source node-llama-cpp ships
// (build/scripts/build-llama-server.sh, cached under .cache/), started on 127.0.0.1 for tests and
// benchmarks that hold the app against the server people run instead.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";

const root = path.resolve(import.meta.dirname, "../../..");

/** Path of the cached binary; builds it first when missing (about 6 minutes on 2 cores). */
export async function llamaServerBinary(): Promise<string> {
  const { stdout } = await promisify(execFile)("bash", [path.join(root, "build/scripts/build-llama-server.sh")], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout.trim().split("\n").at(-1)!;
}

export interface LlamaServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash); the OpenAI API lives under /v1. */
  readonly url: string;
  readonly process: ChildProcess;
  /** Everything the server printed, for failure messages. */
  readonly output: string[];
  stop(): Promise<void>;
}

export interface LlamaServerOptions {
  model: string;
  threads?: number;
  /** `--threads-batch`: prompt threads, as the app measures them apart; defaults to `threads`. */
  batchThreads?: number;
  contextSize?: number;
  /** Extra command-line arguments, e.g. ["--reasoning-format", "deepseek"]. */
  args?: string[];
  apiKey?: string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts llama-server on a free loopback port and resolves once /health answers 200. */
export async function startLlamaServer(options: LlamaServerOptions): Promise<LlamaServer> {
  const binary = await llamaServerBinary();
  const port = await freePort();
  const args = [
    "--model",
    options.model,
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
    "--threads",
    String(options.threads ?? 1),
    "--threads-batch",
    String(options.batchThreads ?? options.threads ?? 1),
    "--ctx-size",
    String(options.contextSize ?? 4096),
    "--parallel",
    "1",
    "--no-webui",
    ...(options.apiKey ? ["--api-key", options.apiKey] : []),
    ...(options.args ?? []),
  ];
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream }).on("line", (line) => output.push(line));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    // A crash ends it by a signal, with no exit code.
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`llama-server exited (${child.exitCode ?? child.signalCode}):\n${output.join("\n")}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`llama-server never became healthy:\n${output.join("\n")}`);
    }
    const healthy = await fetch(`${url}/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    process: child,
    output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { open, mkdir, rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DownloadManager } from "../../../electron/core/downloads/manager.js";
import { planFromSource } from "../../../electron/core/downloads/sources.js";
import { tempDir } from "./download-helpers.js";

// The download-throughput benchmark's moving parts: a generated model-sized file, the local hub
// in its own process (so this process's CPU time is the app's alone), curl as the reference.

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const BENCH_REPO = "bench/Throughput-GGUF";
export const BENCH_FILE = "Throughput-Q8_0.gguf";

/** Writes `.cache/bench-hub/<repo>/<file>` of random bytes once; returns the hub folder. */
export async function ensureBenchFile(mib: number): Promise<{ dir: string; size: number }> {
  const dir = join(REPO_ROOT, ".cache", "bench-hub");
  const path = join(dir, BENCH_REPO, BENCH_FILE);
  const size = mib * 1024 * 1024;
  if ((await stat(path).catch(() => undefined))?.size === size) return { dir, size };
  await mkdir(dirname(path), { recursive: true });
  const file = await open(`${path}.tmp`, "w");
  const block = Buffer.alloc(16 * 1024 * 1024);
  for (let written = 0; written < size; written += block.length) {
    randomFillSync(block);
    await file.write(block, 0, Math.min(block.length, size - written));
  }
  await file.close();
  const { rename } = await import("node:fs/promises");
  await rename(`${path}.tmp`, path);
  return { dir, size };
}

export interface HubProcess {
  url: string;
  stop(): Promise<void>;
}

/** Starts `test/support/hub/cli.ts` in a child process and waits for its URL. */
export async function startHubProcess(dir: string): Promise<HubProcess> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "test/support/hub/cli.ts"), "--dir", dir, "--port", "0"], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((ok, fail) => {
    let text = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const m = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
      if (m) ok(m[1]!);
    });
    child.once("exit", (code) => fail(new Error(`hub exited (${code}) before listening`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((ok) => {
        child.once("exit", () => ok());
        child.kill("SIGTERM");
      }),
  };
}

/** The hub hashes a file on its first request: make that happen before anything is timed. */
export async function warmHub(url: string): Promise<void> {
  const res = await fetch(`${url}/${BENCH_REPO}/resolve/main/${BENCH_FILE}`, { method: "HEAD" });
  if (!res.ok) throw new Error(`hub answered ${res.status}`);
}

/** curl fetching the file to disk, as the reference. Seconds of wall time. */
export function curlOnce(url: string, out: string): number {
  const started = performance.now();
  const result = spawnSync("curl", ["-sS", "--fail", "-o", out, `${url}/${BENCH_REPO}/resolve/main/${BENCH_FILE}`]);
  if (result.status !== 0) throw new Error(`curl failed: ${result.stderr.toString()}`);
  return (performance.now() - started) / 1000;
}

/** The app's download path end to end (HEAD, transfer, sha256, rename). Wall and CPU seconds. */
export async function appOnce(url: string): Promise<{ seconds: number; cpuSeconds: number }> {
  const dataDir = await tempDir("bench-dl-");
  const manager = new DownloadManager({
    stateFile: join(dataDir, "downloads.json"),
    modelsDir: () => join(dataDir, "models"),
    hub: () => ({ endpoint: url }),
    freeSpaceMarginBytes: 0,
  });
  try {
    await manager.init();
    const plan = await planFromSource(`hf:${BENCH_REPO}/${BENCH_FILE}`, { endpoint: url });
    const cpu = process.cpuUsage();
    const started = performance.now();
    const record = await manager.add(plan);
    const end = await manager.waitFor(record.id);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    if (end.state !== "done") throw new Error(`download ended ${end.state}: ${end.reason}`);
    return { seconds, cpuSeconds: (used.user + used.system) / 1e6 };
  } finally {
    await manager.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

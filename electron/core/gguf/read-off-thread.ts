import { existsSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { HeaderReply } from "./header-worker.js";
import { GgufReadError, readGgufHeader, type GgufHeader, type GgufReadProblem } from "./reader.js";

/**
 * Where the worker's entry is: next to this source under tsx/vitest (run with `--import tsx`), or
 * in the build output beside the bundle (`out/main/gguf-header-worker.js`, see build-node.mjs).
 */
function startWorker(fromUrl: string = import.meta.url): Worker | undefined {
  const here = path.dirname(fileURLToPath(fromUrl));
  if (fromUrl.endsWith(".ts")) {
    // Source (tests, serve mode under tsx): the worker registers tsx itself, then loads the TypeScript entry.
    const tsxRoot = path.dirname(createRequire(fromUrl).resolve("tsx/package.json"));
    const tsx = pathToFileURL(path.join(tsxRoot, "dist/esm/api/index.mjs")).href; // tsx's "import" export of tsx/esm/api
    const entry = pathToFileURL(path.join(here, "header-worker.ts")).href;
    return new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`, { eval: true });
  }
  const built = path.join(here, "gguf-header-worker.js");
  return existsSync(built) ? new Worker(built) : undefined;
}

/**
 * One worker thread, started on first use and let go when idle, that parses GGUF headers: a
 * crafted header (millions of items) then costs the worker its time, not the core's event loop.
 */
class HeaderWorker {
  #worker: Worker | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (h: GgufHeader) => void; reject: (e: Error) => void }>();

  read(file: string): Promise<GgufHeader> {
    const worker = this.#start();
    if (!worker) return readGgufHeader(file); // a build without the worker entry: still correct, on this thread
    const id = this.#nextId++;
    return new Promise<GgufHeader>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, path: file });
    });
  }

  #start(): Worker | undefined {
    if (this.#worker) return this.#worker;
    const worker = startWorker();
    if (!worker) return undefined;
    worker.unref();
    worker.on("message", (reply: HeaderReply) => {
      const waiting = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      if (!waiting) return;
      if ("header" in reply) waiting.resolve(reply.header);
      else
        waiting.reject(reply.error.problem ? new GgufReadError(reply.error.problem as GgufReadProblem, reply.error.message) : new Error(reply.error.message));
    });
    const fail = (error: Error) => {
      this.#worker = undefined;
      for (const waiting of this.#pending.values()) waiting.reject(new GgufReadError("unreadable", `The header reader stopped: ${error.message}`));
      this.#pending.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`exit code ${code}`)));
    this.#worker = worker;
    return worker;
  }
}

const shared = new HeaderWorker();

/** Reads and checks a GGUF header on a worker thread (same result and errors as readGgufHeader). */
export function readGgufHeaderOffThread(file: string): Promise<GgufHeader> {
  return shared.read(file);
}

// The worker thread that parses GGUF headers (see read-off-thread.ts): a crafted header costs this
// thread its time, never the core's event loop.
import { parentPort } from "node:worker_threads";
import { GgufReadError, readGgufHeader } from "./reader.js";

export type HeaderRequest = { id: number; path: string };
export type HeaderReply = { id: number; header: Awaited<ReturnType<typeof readGgufHeader>> } | { id: number; error: { problem?: string; message: string } };

parentPort?.on("message", (request: HeaderRequest) => {
  readGgufHeader(request.path).then(
    (header) => parentPort!.postMessage({ id: request.id, header } satisfies HeaderReply),
    (error: unknown) =>
      parentPort!.postMessage({
        id: request.id,
        error: { problem: error instanceof GgufReadError ? error.problem : undefined, message: (error as Error).message ?? String(error) },
      } satisfies HeaderReply),
  );
});

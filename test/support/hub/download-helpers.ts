import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DownloadManager, type DownloadManagerOptions } from "../../../electron/core/downloads/manager.js";
import type { DownloadProgress } from "../../../electron/shared/contract/downloads.js";
import type { Hub } from "./server.js";

/** A manager over a data dir, pointed at a local hub, with retries fast enough for tests. */
export function managerFor(dataDir: string, hub: Hub, extra: Partial<DownloadManagerOptions> & { token?: string } = {}): DownloadManager {
  const { token, ...rest } = extra;
  return new DownloadManager({
    stateFile: join(dataDir, "downloads", "downloads.json"),
    modelsDir: () => join(dataDir, "models"),
    hub: () => ({ endpoint: hub.url, token }),
    retry: { maxAttempts: 5, baseDelayMs: 5, maxDelayMs: 40 },
    stallTimeoutMs: 400,
    freeSpaceMarginBytes: 1024 * 1024,
    progressIntervalMs: 50,
    ...rest,
  });
}

export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Resolves with the first progress event that satisfies `until`. */
export function progressUntil(manager: DownloadManager, id: string, until: (p: DownloadProgress) => boolean): Promise<DownloadProgress> {
  return new Promise((ok) => {
    const now = manager.get(id);
    if (now && until(now)) return ok(now);
    const off = manager.subscribe((p) => {
      if (p.id === id && until(p)) {
        off();
        ok(p);
      }
    });
  });
}

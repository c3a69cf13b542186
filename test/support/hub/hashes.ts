import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";

export interface FileDigests {
  size: number;
  /** sha256 of the content: what the hub publishes for LFS files (`x-linked-etag`, `lfs.oid`). */
  sha256: string;
  /** git blob id (sha1 of "blob <size>\0" + content): the hub's oid/ETag for files kept in git. */
  gitOid: string;
}

// Process-wide: several hubs over the same folder (tests, the benchmark) hash each file once.
const cache = new Map<string, { key: string; digests: Promise<FileDigests> }>();

/** Hashes a file once per (path, size, mtime) and caches the result for the life of the process. */
export async function fileDigests(path: string): Promise<FileDigests> {
  const info = await stat(path);
  const key = `${info.size}:${info.mtimeMs}`;
  const hit = cache.get(path);
  if (hit && hit.key === key) return hit.digests;
  const digests = hashFile(path, info.size);
  cache.set(path, { key, digests });
  digests.catch(() => cache.delete(path));
  return digests;
}

async function hashFile(path: string, size: number): Promise<FileDigests> {
  const sha256 = createHash("sha256");
  const sha1 = createHash("sha1").update(`blob ${size}\0`);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    sha256.update(chunk as Buffer);
    sha1.update(chunk as Buffer);
  }
  return { size, sha256: sha256.digest("hex"), gitOid: sha1.digest("hex") };
}

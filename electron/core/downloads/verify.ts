import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { rename, unlink } from "node:fs/promises";
import { downloadError } from "./errors.js";
import { sizeOf } from "./part-files.js";
import type { RunningHashes } from "./running-hashes.js";
import type { DownloadFileRecord } from "./state-file.js";

export interface VerifyJob {
  file: DownloadFileRecord;
  part: string;
  finalPath: string;
  signal: AbortSignal;
  hashes: RunningHashes;
  /** Bytes of the part hashed so far (all at once when the running hash covered them). */
  onHashed: (bytes: number) => void;
}

/**
 * Checks a finished part's size and sha256, then gives it its real name. Data that fails either
 * check is deleted: it can only be fetched again.
 */
export async function verifyAndRename(job: VerifyJob): Promise<void> {
  const { file, part } = job;
  const size = await sizeOf(part);
  if (file.size !== undefined && size !== file.size) {
    await unlink(part).catch(() => undefined);
    throw downloadError("size-mismatch", `${file.fileName} has ${size} bytes, the server said ${file.size}; the data was deleted. Start the download again.`);
  }
  let digest = job.hashes.finish(part, size);
  if (digest !== undefined) job.onHashed(size);
  else digest = await readBackSha256(part, job.signal, job.onHashed);
  if (file.sha256 && digest !== file.sha256) {
    await unlink(part).catch(() => undefined);
    throw downloadError(
      "checksum-mismatch",
      `Checksum mismatch for ${file.fileName}: expected sha256 ${file.sha256.slice(0, 16)}…, got ${digest.slice(0, 16)}…. The damaged data was deleted. Start the download again; if it repeats, the server or mirror is serving a bad copy.`,
    );
  }
  await rename(part, job.finalPath);
}

/** After a restart the running hash is gone: the file is read back, with progress. */
async function readBackSha256(path: string, signal: AbortSignal, onHashed: (bytes: number) => void): Promise<string> {
  const hash = createHash("sha256");
  let hashed = 0;
  onHashed(0);
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024, signal })) {
    hash.update(chunk as Buffer);
    hashed += (chunk as Buffer).length;
    onHashed(hashed);
  }
  return hash.digest("hex");
}

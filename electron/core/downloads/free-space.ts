import { mkdir, statfs } from "node:fs/promises";
import { formatBytes } from "../../shared/format.js";
import { downloadError } from "./errors.js";
import { partPathOf, sizeOf } from "./part-files.js";
import type { DownloadRecord } from "./state-file.js";

/** Free bytes for this process in a folder. */
export type FreeSpaceOf = (dir: string) => Promise<number>;

export const freeSpaceOnDisk: FreeSpaceOf = (dir) => statfs(dir).then((s) => s.bavail * s.bsize);

/**
 * Refuses to start a download the disk cannot hold: what is still missing of its files (the parts
 * already on disk count as done) plus a margin, so the disk is not filled to the last byte.
 */
export async function ensureFreeSpace(record: DownloadRecord, options: { marginBytes: number; freeSpaceOf: FreeSpaceOf }): Promise<void> {
  await mkdir(record.destinationDir, { recursive: true });
  let needed = 0;
  for (const file of record.files) {
    if (file.done || file.size === undefined) continue;
    needed += file.size - (await sizeOf(partPathOf(record, file)));
  }
  const margin = options.marginBytes;
  const free = await options.freeSpaceOf(record.destinationDir);
  if (needed + margin > free) {
    throw downloadError(
      "no-space",
      `Not enough free disk space in ${record.destinationDir}: this download needs ${formatBytes(needed)} plus a ${formatBytes(margin)} margin, and ${formatBytes(free)} is free.`,
    );
  }
}

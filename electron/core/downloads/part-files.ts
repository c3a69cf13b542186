import { stat } from "node:fs/promises";
import { assertSafeFileName, pathInside } from "../kernel/safe-path.js";
import type { DownloadFileRecord, DownloadRecord } from "./state-file.js";

/** Where a file's bytes gather (every path the manager writes or deletes is built here, from checked names) until they are verified. */
export function partPathOf(record: DownloadRecord, file: DownloadFileRecord): string {
  return pathInside(record.destinationDir, `${assertSafeFileName(file.fileName)}.part`);
}

/** Where a file lives once verified: it gets its real name only then. */
export function finalPathOf(record: DownloadRecord, file: DownloadFileRecord): string {
  return pathInside(record.destinationDir, assertSafeFileName(file.fileName));
}

/** The file's size, 0 when it is not there. */
export async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** The largest file read as an attachment; bigger ones are refused (and skipped when in a folder). */
export const MAX_FILE_BYTES = 512 * 1024;

export type ReadResult = { ok: true; name: string; content: string } | { ok: false; name: string; reason: string };

/**
 * Reads a picked or dropped file as text, in the browser (serve mode has no paths): binary files
 * are refused the way git tells them apart — a NUL byte in the first 8,000 bytes — and so is
 * anything that is not valid UTF-8.
 */
export async function readTextFile(file: Blob, name: string): Promise<ReadResult> {
  if (file.size > MAX_FILE_BYTES)
    return { ok: false, name, reason: `${name} is too large to attach (${kib(file.size)}; the limit is ${kib(MAX_FILE_BYTES)}).` };
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes.subarray(0, 8000).includes(0)) return { ok: false, name, reason: `${name} is a binary file; only text files can be attached.` };
  try {
    return { ok: true, name, content: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, name, reason: `${name} is not UTF-8 text; only text files can be attached.` };
  }
}

function kib(bytes: number): string {
  return `${Math.ceil(bytes / 1024).toLocaleString("en-US")} KB`;
}

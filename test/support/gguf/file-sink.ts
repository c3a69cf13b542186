// Streams a generated file to disk in large sequential writes, and only ever shows it whole.
import { open, rename, rm } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";

/** Buffers small writes into large sequential ones. */
export class FileSink {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  written = 0;

  constructor(
    private readonly file: FileHandle,
    private readonly flushAt = 4 * 1024 * 1024,
  ) {}

  async write(data: Uint8Array): Promise<void> {
    this.pending.push(data);
    this.pendingBytes += data.length;
    this.written += data.length;
    if (this.pendingBytes >= this.flushAt) await this.flush();
  }

  async zeros(count: number): Promise<void> {
    if (count > 0) await this.write(new Uint8Array(count));
  }

  async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const chunk = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    await this.file.write(chunk);
  }
}

/** Writes to `<path>.<pid>.<random>.tmp` and renames into place, so readers never see a partial file. */
export async function writeThroughSink(path: string, body: (sink: FileSink) => Promise<void>): Promise<void> {
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const file = await open(temporary, "w");
  try {
    const sink = new FileSink(file);
    await body(sink);
    await sink.flush();
    await file.close();
    await rename(temporary, path);
  } catch (error) {
    await file.close().catch(() => {});
    await rm(temporary, { force: true });
    throw error;
  }
}

import type { FileHandle } from "node:fs/promises";
import { Writable } from "node:stream";
import { BLOCK_BYTES, blockPool, type RunningHash } from "./hasher.js";

/** Decides whether `bytes` more may be written (tests inject a quota or a failing disk here). */
export type WriteGate = (bytes: number) => void;

const STAGE_BYTES = BLOCK_BYTES;

/**
 * Writes a response body into a `.part` file at a byte position. Network chunks (64 KiB) are
 * gathered into 4 MiB blocks, so the disk sees few large writes, and each block, once on disk,
 * is handed whole to the running sha256 (transferred to the hash worker without another copy).
 * The hash only ever covers bytes that are on disk, so a failed write leaves both in agreement.
 * Ending the stream (also after the body failed) writes what was gathered: nothing received is lost.
 */
export class PartWriter extends Writable {
  private stage = blockPool.take();
  private staged = 0;
  private inflight: Promise<void> = Promise.resolve();
  /** The disk error that stopped this writer, if any (as opposed to the network side failing). */
  writeFailure: unknown;

  constructor(
    private readonly file: FileHandle,
    public position: number,
    private readonly hash: RunningHash | undefined,
    private readonly onWritten: (bytes: number) => void,
    private readonly gate?: WriteGate,
  ) {
    super({ highWaterMark: STAGE_BYTES });
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    this.run(this.take(chunks.map((c) => c.chunk)), callback);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.run(this.take([chunk]), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.run(this.flush(), callback);
  }

  /** Resolves once no write is running (before the file is closed or read back). */
  idle(): Promise<void> {
    return this.inflight.catch(() => undefined);
  }

  private run(work: Promise<void>, callback: (error?: Error | null) => void): void {
    this.inflight = work.then(
      () => callback(),
      (err: Error) => {
        this.writeFailure = err;
        callback(err);
      },
    );
  }

  private async take(buffers: Buffer[]): Promise<void> {
    for (const buffer of buffers) {
      let offset = 0;
      while (offset < buffer.length) {
        const n = buffer.copy(this.stage, this.staged, offset);
        this.staged += n;
        offset += n;
        if (this.staged === this.stage.length) await this.flush();
      }
    }
  }

  private async flush(): Promise<void> {
    if (this.staged === 0) return;
    const block = this.stage.subarray(0, this.staged);
    this.gate?.(block.length);
    let written = 0;
    while (written < block.length) {
      const { bytesWritten } = await this.file.write(block, written, block.length - written, this.position + written);
      written += bytesWritten;
    }
    // The block now belongs to the hash (it may move to the hash worker, which returns it to the
    // pool); without a hash it goes straight back.
    const full = this.stage;
    this.stage = blockPool.take();
    this.staged = 0;
    if (this.hash) await this.hash.update([block], true);
    else blockPool.give(full);
    this.position += written;
    this.onWritten(written);
  }
}

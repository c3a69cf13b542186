import { writeSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { blockPool, type RunningHash } from "./hasher.js";
import type { ByteSink } from "./raw-get.js";

/** Decides whether `bytes` more may be written (tests inject a quota or a failing disk here). */
export type WriteGate = (bytes: number) => void;

const NO_SPACE = Buffer.alloc(0);

/**
 * Writes a download into a `.part` file at a byte position. The connection reads straight into a
 * pooled 4 MiB block (`space()`); each full block is written with one call while the next one fills,
 * then handed whole to the running sha256. The hash only ever covers bytes that are on disk, so a
 * failed write leaves both in agreement. `end()` writes what was gathered: nothing received is lost.
 */
export class PartWriter implements ByteSink {
  private stage: Buffer | undefined = blockPool.take();
  private staged = 0;
  private flushing?: Promise<void>;
  /** The stage is full and waits for the write before it. */
  private blocked = false;
  /** The disk error that stopped this writer, if any (as opposed to the network side failing). */
  writeFailure: unknown;
  /** Called when space is available again after `commit` returned false. */
  onDrain: () => void = () => undefined;
  /** Called once when a write fails, so the caller stops reading. */
  onFailure: (error: unknown) => void = () => undefined;

  /** False once a write failed after its bytes were hashed: the running hash is then of no use. */
  hashValid = true;
  private readonly hashNow?: (chunk: Uint8Array) => void;

  constructor(
    private readonly file: FileHandle,
    /** Bytes of the file on disk (and hashed). */
    public position: number,
    private readonly hash: RunningHash | undefined,
    private readonly onWritten: (bytes: number) => void,
    private readonly gate?: WriteGate,
  ) {
    this.hashNow = hash?.now;
  }

  space(): Buffer {
    if (this.blocked || this.writeFailure !== undefined || !this.stage) return NO_SPACE;
    return this.stage.subarray(this.staged);
  }

  commit(bytes: number): boolean {
    // An in-thread hash takes the bytes as they arrive, still in the CPU's cache: hashing them
    // after the write means reading them from memory again, which measured as a large share of
    // a download's CPU time.
    if (this.hashNow) this.hashNow(this.stage!.subarray(this.staged, this.staged + bytes));
    this.staged += bytes;
    if (this.staged < this.stage!.length) return true;
    if (!this.flushing) {
      this.startFlush();
      return true;
    }
    this.blocked = true;
    return false;
  }

  /** Writes whatever is gathered and waits for every write; rejects with the write failure, if any. */
  async end(): Promise<void> {
    while (this.flushing) await this.flushing;
    const stage = this.stage;
    this.stage = undefined;
    if (stage && this.staged > 0 && this.writeFailure === undefined) {
      await this.writeBlock(stage, this.staged).catch((err: unknown) => {
        this.writeFailure ??= err;
        if (this.hashNow) this.hashValid = false;
      });
    } else if (stage) {
      blockPool.give(stage);
    }
    this.staged = 0;
    if (this.writeFailure !== undefined) throw this.writeFailure;
  }

  private startFlush(): void {
    const block = this.stage!;
    const length = this.staged;
    this.stage = blockPool.take();
    this.staged = 0;
    this.flushing = this.writeBlock(block, length).then(
      () => {
        this.flushing = undefined;
        if (!this.blocked) return;
        this.blocked = false;
        this.startFlush();
        this.onDrain();
      },
      (err: unknown) => {
        this.flushing = undefined;
        this.writeFailure ??= err;
        if (this.hashNow) this.hashValid = false;
        this.onFailure(err);
      },
    );
  }

  private async writeBlock(block: Buffer, length: number): Promise<void> {
    this.gate?.(length);
    let written = 0;
    if (process.env.DL_SYNC) while (written < length) written += writeSync(this.file.fd, block, written, length - written, this.position + written);
    while (written < length) {
      const { bytesWritten } = await this.file.write(block, written, length - written, this.position + written);
      written += bytesWritten;
    }
    // The block now belongs to the hash (it may move to the hash worker, which returns it to the
    // pool); without a hash it goes straight back.
    if (this.hash && !this.hashNow) await this.hash.update([block.subarray(0, length)], true);
    else blockPool.give(block);
    this.position += written;
    this.onWritten(written);
  }
}

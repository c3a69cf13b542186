import type { Hash } from "node:crypto";
import { writeSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { blockPool } from "./block-pool.js";
import type { ByteSink } from "./raw-get.js";

/** Decides whether `bytes` more may be written (tests inject a quota or a failing disk here). */
export type WriteGate = (bytes: number) => void;

const NO_SPACE = Buffer.alloc(0);
/**
 * Synchronous writes averaging slower than this (a slow or remote disk, a writeback burst) are
 * turned off until writes are fast again.
 */
const SLOW_WRITE_MS = 10;

/**
 * Writes a download into a `.part` file at a byte position. The connection reads straight into a
 * pooled block (`space()`). Bytes are hashed as they arrive and each full block is written at once
 * on this thread (see writeStageNow); after a slow write, full blocks are written asynchronously
 * while the next fills. A write that fails after its bytes were hashed marks the hash invalid
 * (`hashValid`), so verification reads the file back. `end()` writes what was gathered: nothing
 * received is lost.
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
  /** Write full stages synchronously (see writeStageNow) while the disk keeps up. */
  private writeNow = true;
  private writeMs = 0;

  constructor(
    private readonly file: FileHandle,
    /** Bytes of the file on disk (and hashed). */
    public position: number,
    /** The part's running sha256, when the bytes before `position` were fed to it. */
    private readonly hash: Hash | undefined,
    private readonly onWritten: (bytes: number) => void,
    private readonly gate?: WriteGate,
  ) {}

  space(): Buffer {
    if (this.blocked || this.writeFailure !== undefined || !this.stage) return NO_SPACE;
    return this.stage.subarray(this.staged);
  }

  commit(bytes: number): boolean {
    // The hash takes the bytes as they arrive, still in the CPU's cache: hashing them after the
    // write means reading them from memory again, which measured as a large share of a
    // download's CPU time.
    this.hash?.update(this.stage!.subarray(this.staged, this.staged + bytes));
    this.staged += bytes;
    if (this.staged < this.stage!.length) return true;
    if (this.writeNow) return this.writeStageNow();
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
        this.hashValid = false;
      });
    } else if (stage) {
      blockPool.give(stage);
    }
    this.staged = 0;
    if (this.writeFailure !== undefined) throw this.writeFailure;
  }

  /**
   * Writes the full stage on this thread, right after its bytes arrived and were hashed, while they
   * are still in the CPU's cache: on a busy machine this measured at about half the CPU per GB of
   * handing 4 MiB blocks to the thread pool. A disk slow enough to hold up the event loop switches
   * the writer to asynchronous writes until it is fast again.
   */
  private writeStageNow(): boolean {
    const started = performance.now();
    try {
      this.gate?.(this.staged);
      let written = 0;
      while (written < this.staged) written += writeSync(this.file.fd, this.stage!, written, this.staged - written, this.position + written);
    } catch (err) {
      this.writeFailure ??= err;
      this.hashValid = false;
      queueMicrotask(() => this.onFailure(err));
      return false;
    }
    // A moving average, so a single write that waited on a busy CPU does not count as a slow disk.
    this.writeMs = 0.9 * this.writeMs + 0.1 * (performance.now() - started);
    if (this.writeMs > SLOW_WRITE_MS) this.writeNow = false;
    const written = this.staged;
    this.position += written;
    this.staged = 0;
    this.onWritten(written);
    return true;
  }

  private startFlush(): void {
    const block = this.stage!;
    const length = this.staged;
    this.stage = blockPool.take();
    this.staged = 0;
    this.flushing = this.writeBlock(block, length).then(
      () => {
        this.flushing = undefined;
        if (!this.blocked) {
          // The disk caught up (a writeback burst passed): back to writing on this thread.
          if (this.writeMs < SLOW_WRITE_MS / 2) this.writeNow = true;
          return;
        }
        this.blocked = false;
        this.startFlush();
        this.onDrain();
      },
      (err: unknown) => {
        this.flushing = undefined;
        this.writeFailure ??= err;
        this.hashValid = false;
        this.onFailure(err);
      },
    );
  }

  private async writeBlock(block: Buffer, length: number): Promise<void> {
    this.gate?.(length);
    const started = performance.now();
    let written = 0;
    while (written < length) {
      const { bytesWritten } = await this.file.write(block, written, length - written, this.position + written);
      written += bytesWritten;
    }
    this.writeMs = 0.9 * this.writeMs + 0.1 * (performance.now() - started);
    blockPool.give(block);
    this.position += written;
    this.onWritten(written);
  }
}

import { open, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { formatBytes } from "../../shared/format.js";
import { sizeOf } from "./part-files.js";
import { AppError } from "../kernel/errors.js";
import { diskError, downloadError, httpStatusError, networkError } from "./errors.js";
import { sendForDownload, type DownloadResult } from "./http.js";
import { PartWriter } from "./part-writer.js";
import type { DownloadBody } from "./raw-get.js";
import { withProgressFlag } from "./retry.js";
import type { RunningHashes } from "./running-hashes.js";
import type { HubConfig } from "../hub/hub-config.js";
import { hubAuth } from "./sources.js";
import type { DownloadFileRecord } from "./state-file.js";
import type { FreeSpaceOf } from "./free-space.js";

export interface TransferOptions {
  /** Hub endpoint and token, read at each request (settings may change them). */
  hub: () => HubConfig;
  /** No byte (or no response headers) for this long counts as a dropped connection. */
  stallTimeoutMs: number;
  hashes: RunningHashes;
  /** Tests: a byte quota over all writes, after which writes fail as on a full disk. */
  quotaBytes?: number;
  /** A body of unannounced length is cut at the folder's free space minus this margin. */
  freeSpace: { marginBytes: number; freeSpaceOf: FreeSpaceOf };
}

export interface TransferJob {
  file: DownloadFileRecord;
  part: string;
  /** Bytes of the part already on disk: the GET asks for the rest. */
  offset: number;
  signal: AbortSignal;
  repo?: string;
  note: (text: string) => void;
  /** Bytes of this file on disk so far. */
  onPosition: (bytes: number) => void;
}

/**
 * One file's GET into its `.part` file, resuming at the part's size with a Range request. The
 * sha256 runs alongside when the part's running hash covers the bytes before the offset.
 */
export class PartTransfer {
  private bytesWrittenTotal = 0;

  constructor(private readonly options: TransferOptions) {}

  /** One GET from the offset to the end into the part; true when bytes arrived (the retry count restarts). */
  async fetchInto(job: TransferJob): Promise<boolean> {
    const { file, part, signal } = job;
    let offset = job.offset;
    // The part file is open before the request, so the body is read from the moment it arrives.
    const handle = await open(part, offset === 0 ? "w" : "r+");
    let res: DownloadResult;
    try {
      res = await sendForDownload(file.url, {
        auth: hubAuth(this.options.hub()),
        signal,
        headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
        headersTimeoutMs: this.options.stallTimeoutMs,
      });
      if (res.status !== 200 && res.status !== 206) {
        res.body.discard();
        throw httpStatusError(res.status, file.url, { sentToken: res.sentToken, repo: job.repo });
      }
      const rangeStart = res.status === 206 ? Number(/bytes (\d+)-/.exec(String(res.headers["content-range"]))?.[1]) : 0;
      if (offset > 0 && rangeStart !== offset) {
        // The server ignored Range: the only safe way on is from byte zero, overwriting the part.
        job.note(`${file.fileName}: the server has no Range support, so the download restarted from zero.`);
        offset = 0;
        await handle.truncate(0);
      }
      const length = Number(res.headers["content-length"]);
      // When HEAD told nothing, the GET's framing gives the size (whole-file length, or the range's total).
      const rangeTotal = Number(/\/(\d+)$/.exec(String(res.headers["content-range"]))?.[1]);
      if (file.size === undefined)
        file.size =
          res.status === 206 && Number.isSafeInteger(rangeTotal) ? rangeTotal : res.status === 200 && Number.isSafeInteger(length) ? length : undefined;
      if (file.size !== undefined && Number.isSafeInteger(length) && offset + length !== file.size) {
        res.body.destroy();
        throw downloadError("changed", `${file.fileName} changed on the server (it now has a different size); start the download again.`);
      }
    } catch (err) {
      await handle.close().catch(() => undefined);
      if (err instanceof AppError && err.reason === "range-not-satisfiable") {
        // The part does not fit the file on the server any more: it is of no use.
        await unlink(part).catch(() => undefined);
        this.options.hashes.drop(part);
      }
      throw err;
    }

    // From byte zero the hash runs alongside the transfer; a resume without the running hash
    // (after a restart) is verified by reading the file back at the end.
    const running = this.options.hashes.forTransfer(part, offset);
    const startedAt = offset;
    const cap = await this.byteCap(file, part);
    const writer = new PartWriter(
      handle,
      offset,
      running?.hash,
      (bytes) => {
        if (running) running.upTo += bytes;
        this.bytesWrittenTotal += bytes;
        job.onPosition(writer.position);
      },
      (bytes) => {
        this.checkQuota(bytes);
        // Checked before each write, so nothing past the cap ever reaches the disk.
        if (writer.position + bytes > cap.bytes) throw cap.error();
      },
    );
    job.onPosition(offset);
    // No byte for a while counts as a dropped connection (the body is destroyed, then resumed).
    const stallTimer = setTimeout(() => {
      const seconds = Math.round(this.options.stallTimeoutMs / 1000);
      res.body.destroy(downloadError("stalled", `No data from ${new URL(file.url).host} for ${seconds} s: the connection stalled.`, { retryable: true }));
    }, this.options.stallTimeoutMs);
    try {
      await pipeBody(res.body, writer, signal, () => stallTimer.refresh());
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      if (writer.writeFailure instanceof AppError && writer.writeFailure.reason === "too-long") {
        // A server that sends more than it announced (or an endless body) gets no second try.
        this.options.hashes.drop(part);
        await unlink(part).catch(() => undefined);
        throw writer.writeFailure;
      }
      const error = writer.writeFailure ? diskError(writer.writeFailure, part, writer.position) : networkError(err, file.url);
      throw withProgressFlag(error, writer.position > startedAt);
    } finally {
      clearTimeout(stallTimer);
      await handle.close().catch(() => undefined);
      // The hash ran ahead of a write that failed: verification reads the file back instead.
      if (!writer.hashValid && running) this.options.hashes.drop(part, running);
    }
    if (file.size !== undefined && writer.position < file.size) {
      const error = downloadError("short-body", `The connection to ${new URL(file.url).host} closed early.`, { retryable: true });
      throw withProgressFlag(error, writer.position > startedAt);
    }
    file.size ??= writer.position;
    return writer.position > startedAt;
  }

  /**
   * How many bytes the part may hold: the announced size, or when none was announced (a chunked
   * or length-less body) the free space minus the margin, so an endless body cannot fill the disk.
   */
  private async byteCap(file: DownloadFileRecord, part: string): Promise<{ bytes: number; error: () => AppError }> {
    if (file.size !== undefined) {
      const bytes = file.size;
      return {
        bytes,
        error: () =>
          downloadError(
            "too-long",
            `${new URL(file.url).host} sent more than the ${formatBytes(bytes)} it announced for ${file.fileName}; the download was stopped.`,
          ),
      };
    }
    const { marginBytes, freeSpaceOf } = this.options.freeSpace;
    const free = await freeSpaceOf(dirname(part)).catch(() => Number.MAX_SAFE_INTEGER);
    const bytes = (await sizeOf(part)) + Math.max(0, free - marginBytes);
    return {
      bytes,
      error: () =>
        downloadError(
          "too-long",
          `${new URL(file.url).host} announced no size for ${file.fileName} and kept sending past the free disk space; the download was stopped.`,
        ),
    };
  }

  private checkQuota(bytes: number): void {
    const quota = this.options.quotaBytes;
    if (quota !== undefined && this.bytesWrittenTotal + bytes > quota) {
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    }
  }
}

/**
 * Moves a response body into the part writer with backpressure. A body that fails (drop, stall,
 * pause) still has every byte it delivered written before this rejects, so a resume repeats nothing.
 */
async function pipeBody(body: DownloadBody, writer: PartWriter, signal: AbortSignal, onBytes: () => void): Promise<void> {
  writer.onDrain = () => body.resume();
  writer.onFailure = (err) => body.destroy(err instanceof Error ? err : new Error(String(err)));
  const onAbort = () => body.destroy(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
  signal.addEventListener("abort", onAbort, { once: true });
  let bodyError: { error: unknown } | undefined;
  try {
    if (signal.aborted) onAbort();
    await body.readInto(writer, onBytes);
  } catch (error) {
    bodyError = { error };
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
  await writer.end();
  if (bodyError) throw bodyError.error;
}

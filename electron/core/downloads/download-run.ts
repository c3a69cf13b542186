import { truncate } from "node:fs/promises";
import type { DownloadList } from "./download-list.js";
import type { RunControl } from "./download-queue.js";
import { ensureFreeSpace, type FreeSpaceOf } from "./free-space.js";
import { probeFile } from "./head-probe.js";
import { exists, finalPathOf, partPathOf, sizeOf } from "./part-files.js";
import { totalBytesOf, type DownloadProgressReporter } from "./progress.js";
import type { RetryHooks, RetryPolicy } from "./retry.js";
import type { RunningHashes } from "./running-hashes.js";
import type { HubConfig } from "../hub/hub-config.js";
import type { DownloadFileRecord, DownloadRecord } from "./state-file.js";
import type { PartTransfer } from "./transfer.js";
import { verifyAndRename } from "./verify.js";

export interface DownloadRunDeps {
  list: DownloadList;
  progress: DownloadProgressReporter;
  hashes: RunningHashes;
  retry: RetryPolicy;
  transfer: PartTransfer;
  hub: () => HubConfig;
  freeSpace: { marginBytes: number; freeSpaceOf: FreeSpaceOf };
  /** Called once per finished download, after every file is verified and renamed. */
  onDone?: (record: DownloadRecord, paths: string[]) => void | Promise<void>;
}

/**
 * One download from start to finish: learn each file's size and sha256, check free space, fetch
 * each file into its part with retries, verify and rename it, then report the download done.
 */
export class DownloadRunner {
  constructor(private readonly deps: DownloadRunDeps) {}

  async run(record: DownloadRecord, control: RunControl): Promise<void> {
    const { list } = this.deps;
    const { signal } = control;
    try {
      await list.setState(record, "downloading");
      await this.describeFiles(record, signal);
      await ensureFreeSpace(record, this.deps.freeSpace);
      for (const [index, file] of record.files.entries()) {
        this.deps.progress.countersOf(record).fileIndex = index;
        if (file.done) continue;
        await this.downloadFile(record, file, signal);
        file.done = true;
        await list.persist();
      }
      await this.deps.onDone?.(
        record,
        record.files.map((f) => finalPathOf(record, f)),
      );
      await list.setState(record, "done");
    } catch (err) {
      if (signal.aborted) {
        const stop = control.stopReason();
        if (stop === "pause") await list.setState(record, "paused");
        else if (stop === "close") record.state = "queued"; // resumes with the next manager
        return;
      }
      record.reason = err instanceof Error ? err.message : String(err);
      await list.setState(record, "failed");
    }
  }

  /** Learns each file's size and published sha256 before any byte moves. */
  private async describeFiles(record: DownloadRecord, signal: AbortSignal): Promise<void> {
    for (const file of record.files) {
      if (file.size !== undefined && file.sha256) continue;
      await this.withRetries(record, file, signal, () => probeFile(file, { hub: this.deps.hub, repo: record.repo, signal }));
      if (!file.sha256) this.deps.list.note(record, `${file.fileName}: the server publishes no sha256; only its size can be checked.`);
    }
    this.deps.progress.countersOf(record).bytesTotal = totalBytesOf(record);
    await this.deps.list.persist();
  }

  private async downloadFile(record: DownloadRecord, file: DownloadFileRecord, signal: AbortSignal): Promise<void> {
    const part = partPathOf(record, file);
    if (file.size !== undefined && !(await exists(part)) && (await sizeOf(finalPathOf(record, file))) === file.size) {
      // Renamed just before the app stopped, so the state file missed it: files only get their
      // real name after verification, so this one is complete.
      return;
    }
    const counters = this.deps.progress.countersOf(record);
    const doneBefore = record.files.slice(0, record.files.indexOf(file)).reduce((n, f) => n + (f.size ?? 0), 0);
    await this.withRetries(record, file, signal, async () => {
      let offset = await sizeOf(part);
      if (file.size !== undefined && offset > file.size) {
        await truncate(part, 0);
        offset = 0;
      }
      if (file.size !== undefined && offset >= file.size) return false;
      return this.deps.transfer.fetchInto({
        file,
        part,
        offset,
        signal,
        repo: record.repo,
        note: (text) => this.deps.list.note(record, text),
        onPosition: (bytes) => (counters.bytesDone = doneBefore + bytes),
      });
    });
    await this.verify(record, file, part, signal);
  }

  private async verify(record: DownloadRecord, file: DownloadFileRecord, part: string, signal: AbortSignal): Promise<void> {
    const counters = this.deps.progress.countersOf(record);
    await this.deps.list.setState(record, "verifying");
    await verifyAndRename({
      file,
      part,
      finalPath: finalPathOf(record, file),
      signal,
      hashes: this.deps.hashes,
      onHashed: (bytes) => (counters.verifiedBytes = bytes),
    });
    counters.verifiedBytes = undefined;
    if (record.files.some((f) => !f.done && f !== file)) await this.deps.list.setState(record, "downloading");
  }

  /** Retries with the download's state showing the wait ("retrying", the attempt, the reason). */
  private withRetries(record: DownloadRecord, file: DownloadFileRecord, signal: AbortSignal, attempt: () => Promise<unknown>): Promise<void> {
    const { list } = this.deps;
    const counters = this.deps.progress.countersOf(record);
    const hooks: RetryHooks = {
      waiting: async (message, nextAttempt) => {
        counters.attempt = nextAttempt;
        record.reason = message;
        await list.setState(record, "retrying");
      },
      resumed: async () => {
        record.reason = undefined;
        await list.setState(record, "downloading");
      },
      succeeded: async () => {
        counters.attempt = undefined;
        if (record.state === "retrying") await list.setState(record, "downloading");
      },
    };
    return this.deps.retry.run(attempt, { signal, url: file.url, hooks });
  }
}

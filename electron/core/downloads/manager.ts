import { randomUUID } from "node:crypto";
import { unlink } from "node:fs/promises";
import { isAbsolute } from "node:path";
import { DownloadList } from "./download-list.js";
import { DownloadQueue } from "./download-queue.js";
import { DownloadRunner } from "./download-run.js";
import { downloadError } from "./errors.js";
import { freeSpaceOnDisk } from "./free-space.js";
import { finalPathOf, partPathOf } from "./part-files.js";
import type { DownloadProgress, DownloadState } from "../../shared/contract/downloads.js";
import { DownloadProgressReporter, type ProgressListener } from "./progress.js";
import { DEFAULT_RETRY, RetryPolicy, type RetrySettings } from "./retry.js";
import { RunningHashes } from "./running-hashes.js";
import type { HubConfig } from "../hub/hub-config.js";
import { assertSafeFileName, isInside, pathInside, safeSubfolder, unsafeNameReason } from "../kernel/safe-path.js";
import type { DownloadPlan } from "./sources.js";
import type { OnDamaged } from "../kernel/state-file.js";
import { DownloadStateFile, type DownloadRecord } from "./state-file.js";
import { PartTransfer } from "./transfer.js";

export type { DownloadRecord };

export interface DownloadManagerOptions {
  /** The persisted list of downloads (JSON). */
  stateFile: string;
  /** Told when that list was damaged and set aside. */
  onStateDamaged?: OnDamaged;
  /** Models folder, read when a download is added (settings may change it). */
  modelsDir: () => string;
  /** Hub endpoint and token, read at each request (settings may change them). */
  hub: () => HubConfig;
  concurrency?: number;
  retry?: Partial<RetrySettings>;
  /** No byte for this long counts as a dropped connection. */
  stallTimeoutMs?: number;
  /** Free space required beyond the download's own size. */
  freeSpaceMarginBytes?: number;
  progressIntervalMs?: number;
  /** Called once per finished download, after every file is verified and renamed. */
  onDone?: (record: DownloadRecord, paths: string[]) => void | Promise<void>;
  /** Disk behaviour for tests: a byte quota over all writes, or a fake free-space figure. */
  disk?: { quotaBytes?: number; freeSpace?: (dir: string) => Promise<number> };
}

/**
 * The download queue: resumable, verified transfers of one or more files per model into the models
 * folder. Bytes go to `<name>.part`; a file gets its real name only after its size and sha256 match.
 * This class holds the public operations; the parts it composes do the work (see download-run.ts).
 */
export class DownloadManager {
  private readonly progress = new DownloadProgressReporter();
  private readonly hashes = new RunningHashes();
  private readonly downloads: DownloadList;
  private readonly queue: DownloadQueue;
  private closed = false;

  constructor(private readonly options: DownloadManagerOptions) {
    this.downloads = new DownloadList(new DownloadStateFile(options.stateFile, options.onStateDamaged), this.progress);
    const freeSpace = { marginBytes: options.freeSpaceMarginBytes ?? 512 * 1024 * 1024, freeSpaceOf: options.disk?.freeSpace ?? freeSpaceOnDisk };
    const runner = new DownloadRunner({
      list: this.downloads,
      progress: this.progress,
      hashes: this.hashes,
      retry: new RetryPolicy({ ...DEFAULT_RETRY, ...options.retry }),
      transfer: new PartTransfer({
        hub: options.hub,
        stallTimeoutMs: options.stallTimeoutMs ?? 30_000,
        hashes: this.hashes,
        quotaBytes: options.disk?.quotaBytes,
        freeSpace,
      }),
      hub: options.hub,
      freeSpace,
      onDone: options.onDone,
    });
    this.queue = new DownloadQueue(
      () => this.downloads.all(),
      (record, control) => runner.run(record, control),
      options.concurrency ?? 2,
    );
  }

  /** Loads the persisted list and resumes what was running when the app last stopped. */
  async init(): Promise<void> {
    await this.downloads.load((record) => this.unsafeRecordReason(record));
    this.progress.startTicking(this.options.progressIntervalMs ?? 250, () => this.runningRecords());
    this.queue.pump();
  }

  /** A new limit applies as slots free up (running downloads are not stopped). */
  setConcurrency(limit: number): void {
    this.queue.setConcurrency(limit);
  }

  subscribe(listener: ProgressListener): () => void {
    return this.progress.subscribe(listener);
  }

  list(): DownloadProgress[] {
    return this.downloads.all().map((r) => this.progress.snapshot(r));
  }

  get(id: string): DownloadProgress | undefined {
    const record = this.downloads.find(id);
    return record && this.progress.snapshot(record);
  }

  record(id: string): DownloadRecord | undefined {
    return this.downloads.find(id);
  }

  /** Queues a planned download; it starts when a slot is free. */
  async add(plan: DownloadPlan, opts: { id?: string } = {}): Promise<DownloadRecord> {
    if (this.closed) throw downloadError("closed", "The download manager is closed.");
    // Every source (pasted URL, hub manifest, catalog) passes here: names from outside never become paths unchecked.
    const destinationDir = pathInside(this.options.modelsDir(), ...safeSubfolder(plan.subdir));
    for (const file of plan.files) assertSafeFileName(file.fileName);
    const existing = this.downloads.unsettledFor(destinationDir, plan.files[0]?.fileName);
    if (existing) return existing; // the same model is already on its way
    const record = newRecord(plan, destinationDir, opts.id ?? `dl-${randomUUID().slice(0, 8)}`);
    await this.downloads.add(record);
    this.queue.pump();
    return record;
  }

  async pause(id: string): Promise<void> {
    const record = this.downloads.mustGet(id);
    if (await this.queue.stop(id, "pause")) return;
    if (record.state === "queued" || record.state === "retrying") await this.downloads.setState(record, "paused");
  }

  async resume(id: string): Promise<void> {
    const record = this.downloads.mustGet(id);
    if (record.state !== "paused" && record.state !== "failed") return;
    record.reason = undefined;
    await this.downloads.setState(record, "queued");
    this.queue.pump();
  }

  /** Stops the download and deletes its partial data; finished files of a done model are left alone. */
  async cancel(id: string): Promise<void> {
    const record = this.downloads.mustGet(id);
    if (record.state === "done") throw downloadError("done", "This download is finished; delete the model from the library instead.");
    await this.queue.stop(id, "cancel");
    await this.removePartialData(record);
    record.state = "cancelled";
    record.reason = "Cancelled; the partial data was deleted.";
    this.progress.publish(record);
    await this.downloads.remove(record);
  }

  /** Forgets a settled download from the list (files are untouched). */
  async forget(id: string): Promise<void> {
    await this.downloads.forgetSettled(id);
  }

  /** Resolves when the download reaches one of these states (tests, jobs). */
  waitFor(id: string, states: DownloadState[] = ["done", "failed", "cancelled"]): Promise<DownloadProgress> {
    return new Promise((ok) => {
      const now = this.get(id);
      if (now && states.includes(now.state)) return ok(now);
      const off = this.subscribe((p) => {
        if (p.id === id && states.includes(p.state)) {
          off();
          ok(p);
        }
      });
    });
  }

  /** Stops every transfer, keeping it resumable by the next manager over the same state file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.progress.stopTicking();
    await this.queue.close();
    this.hashes.clear();
    await this.downloads.persist();
  }

  /**
   * Why a record read back from disk is not safe to act on: its names must be plain and, unless it
   * is finished (a finished one is never written to again), its folder inside the models folder.
   */
  private unsafeRecordReason(record: DownloadRecord): string | undefined {
    const modelsDir = this.options.modelsDir();
    if (!isAbsolute(record.destinationDir)) return "its folder is not an absolute path";
    if (record.state !== "done" && !isInside(modelsDir, record.destinationDir)) return `its folder is not inside the models folder ${modelsDir}`;
    for (const file of record.files) {
      const reason = unsafeNameReason(file.fileName);
      if (reason) return `the file name ${JSON.stringify(file.fileName.slice(0, 120))} is refused (${reason})`;
    }
    return undefined;
  }

  private runningRecords(): DownloadRecord[] {
    return this.queue.runningIds().flatMap((id) => this.downloads.find(id) ?? []);
  }

  private async removePartialData(record: DownloadRecord): Promise<void> {
    for (const file of record.files) {
      if (unsafeNameReason(file.fileName)) continue; // a record damaged on disk: never delete by its name
      const part = partPathOf(record, file);
      this.hashes.drop(part);
      await unlink(part).catch(() => undefined);
      // Verified parts of a model that will never be complete are partial data too.
      if (file.done) await unlink(finalPathOf(record, file)).catch(() => undefined);
    }
  }
}

function newRecord(plan: DownloadPlan, destinationDir: string, id: string): DownloadRecord {
  const now = Date.now();
  return {
    id,
    name: plan.name,
    source: plan.source,
    state: "queued",
    notes: [],
    destinationDir,
    files: plan.files.map((f) => ({
      url: f.url,
      fileName: f.fileName,
      size: f.size,
      sha256: f.sha256?.toLowerCase(),
      sha256Source: f.sha256 ? "pinned" : undefined,
      done: false,
    })),
    repo: plan.repo,
    quantization: plan.quantization,
    modelId: plan.modelId,
    variantId: plan.variantId,
    createdAt: now,
    updatedAt: now,
  };
}

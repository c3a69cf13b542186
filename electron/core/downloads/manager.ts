import { createHash, randomUUID, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, rename, stat, statfs, truncate, unlink } from "node:fs/promises";
import { join } from "node:path";
import { formatBytes } from "../../shared/format.js";
import { AppError } from "../../shared/errors.js";
import { diskError, downloadError, httpStatusError, networkError } from "./errors.js";
import { send, sendForDownload, unquote, type DownloadResult } from "./http.js";
import { PartWriter } from "./part-writer.js";
import type { DownloadBody } from "./raw-get.js";
import { hubAuth, sha256FromTree, type DownloadPlan, type HubConfig } from "./sources.js";
import { DownloadStateFile, type DownloadFileRecord, type DownloadRecord, type DownloadState } from "./state-file.js";

export type { DownloadRecord, DownloadState };

export interface DownloadProgress {
  id: string;
  name: string;
  state: DownloadState;
  bytesDone: number;
  bytesTotal?: number;
  /** Smoothed (exponential moving average), bytes per second. */
  speedBytesPerSecond: number;
  etaSeconds?: number;
  /** While verifying: bytes hashed so far of the file being checked. */
  verifiedBytes?: number;
  fileIndex: number;
  fileCount: number;
  attempt?: number;
  reason?: string;
  notes: string[];
  /** Final paths once done. */
  paths?: string[];
}

export interface DownloadManagerOptions {
  /** The persisted list of downloads (JSON). */
  stateFile: string;
  /** Models folder, read when a download is added (settings may change it). */
  modelsDir: () => string;
  /** Hub endpoint and token, read at each request (settings may change them). */
  hub: () => HubConfig;
  concurrency?: number;
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
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

type Listener = (progress: DownloadProgress) => void;

interface Live {
  bytesDone: number;
  bytesTotal?: number;
  speed: number;
  lastSampleBytes: number;
  lastSampleAt: number;
  verifiedBytes?: number;
  fileIndex: number;
  attempt?: number;
}

interface ActiveRun {
  controller: AbortController;
  stop?: "pause" | "cancel" | "close";
  settled: Promise<void>;
}

const SETTLED: DownloadState[] = ["done", "failed", "cancelled", "paused"];

/**
 * The download queue: resumable, verified transfers of one or more files per model into the models
 * folder. Bytes go to `<name>.part`; a file gets its real name only after its size and sha256 match.
 */
export class DownloadManager {
  private records: DownloadRecord[] = [];
  private readonly live = new Map<string, Live>();
  private readonly active = new Map<string, ActiveRun>();
  private readonly hashes = new Map<string, { hash: Hash; upTo: number }>();
  private readonly listeners = new Set<Listener>();
  private readonly store: DownloadStateFile;
  private ticker?: NodeJS.Timeout;
  private closed = false;
  private bytesWrittenTotal = 0;
  private readonly opts: Required<Pick<DownloadManagerOptions, "concurrency" | "stallTimeoutMs" | "freeSpaceMarginBytes" | "progressIntervalMs">> & {
    retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  };

  constructor(private readonly options: DownloadManagerOptions) {
    this.store = new DownloadStateFile(options.stateFile);
    this.opts = {
      concurrency: options.concurrency ?? 2,
      stallTimeoutMs: options.stallTimeoutMs ?? 30_000,
      freeSpaceMarginBytes: options.freeSpaceMarginBytes ?? 512 * 1024 * 1024,
      progressIntervalMs: options.progressIntervalMs ?? 250,
      retry: { maxAttempts: 8, baseDelayMs: 1000, maxDelayMs: 60_000, ...options.retry },
    };
  }

  /** Loads the persisted list and resumes what was running when the app last stopped. */
  async init(): Promise<void> {
    this.records = await this.store.load();
    for (const record of this.records) {
      if (["downloading", "retrying", "verifying", "queued"].includes(record.state)) {
        record.state = "queued";
        this.ensureLive(record);
      }
    }
    await this.persist();
    this.ticker = setInterval(() => this.tick(), this.opts.progressIntervalMs);
    this.ticker.unref();
    this.pump();
  }

  /** A new limit applies as slots free up (running downloads are not stopped). */
  setConcurrency(limit: number): void {
    this.opts.concurrency = Math.max(1, Math.floor(limit));
    this.pump();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): DownloadProgress[] {
    return this.records.map((r) => this.progressOf(r));
  }

  get(id: string): DownloadProgress | undefined {
    const record = this.records.find((r) => r.id === id);
    return record && this.progressOf(record);
  }

  record(id: string): DownloadRecord | undefined {
    return this.records.find((r) => r.id === id);
  }

  /** Queues a planned download; it starts when a slot is free. */
  async add(plan: DownloadPlan, opts: { id?: string } = {}): Promise<DownloadRecord> {
    if (this.closed) throw downloadError("closed", "The download manager is closed.");
    const destinationDir = join(this.options.modelsDir(), ...plan.subdir.split("/").filter((p) => p && p !== ".." && p !== "."));
    const existing = this.records.find(
      (r) => r.destinationDir === destinationDir && r.files[0]?.fileName === plan.files[0]?.fileName && !SETTLED.includes(r.state),
    );
    if (existing) return existing; // the same model is already on its way
    const now = Date.now();
    const record: DownloadRecord = {
      id: opts.id ?? `dl-${randomUUID().slice(0, 8)}`,
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
    this.records.push(record);
    this.ensureLive(record);
    await this.persist();
    this.emit(record);
    this.pump();
    return record;
  }

  async pause(id: string): Promise<void> {
    const record = this.mustGet(id);
    const run = this.active.get(id);
    if (run) {
      run.stop = "pause";
      run.controller.abort(new Error("paused"));
      await run.settled;
      return;
    }
    if (record.state === "queued" || record.state === "retrying") await this.setState(record, "paused");
  }

  async resume(id: string): Promise<void> {
    const record = this.mustGet(id);
    if (record.state !== "paused" && record.state !== "failed") return;
    record.reason = undefined;
    await this.setState(record, "queued");
    this.pump();
  }

  /** Stops the download and deletes its partial data; finished files of a done model are left alone. */
  async cancel(id: string): Promise<void> {
    const record = this.mustGet(id);
    if (record.state === "done") throw downloadError("done", "This download is finished; delete the model from the library instead.");
    const run = this.active.get(id);
    if (run) {
      run.stop = "cancel";
      run.controller.abort(new Error("cancelled"));
      await run.settled;
    }
    await this.removePartialData(record);
    record.state = "cancelled";
    record.reason = "Cancelled; the partial data was deleted.";
    this.emit(record);
    this.records = this.records.filter((r) => r !== record);
    this.live.delete(id);
    await this.persist();
  }

  /** Forgets a settled download from the list (files are untouched). */
  async forget(id: string): Promise<void> {
    this.records = this.records.filter((r) => r.id !== id || !SETTLED.includes(r.state));
    await this.persist();
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
    if (this.ticker) clearInterval(this.ticker);
    const runs = [...this.active.values()];
    for (const run of runs) {
      run.stop = "close";
      run.controller.abort(new Error("closing"));
    }
    await Promise.all(runs.map((r) => r.settled));
    this.hashes.clear();
    await this.persist();
  }

  // ── scheduling ────────────────────────────────────────────────────────────

  private pump(): void {
    if (this.closed) return;
    for (const record of this.records) {
      if (this.active.size >= this.opts.concurrency) return;
      if (record.state === "queued" && !this.active.has(record.id)) this.startRun(record);
    }
  }

  private startRun(record: DownloadRecord): void {
    const controller = new AbortController();
    const run: ActiveRun = { controller, settled: Promise.resolve() };
    this.active.set(record.id, run);
    run.settled = this.run(record, run).finally(() => {
      this.active.delete(record.id);
      this.pump();
    });
  }

  private async run(record: DownloadRecord, run: ActiveRun): Promise<void> {
    const signal = run.controller.signal;
    try {
      await this.setState(record, "downloading");
      await this.describeFiles(record, signal);
      await this.checkFreeSpace(record);
      for (const [index, file] of record.files.entries()) {
        this.ensureLive(record).fileIndex = index;
        if (file.done) continue;
        await this.downloadFile(record, file, signal);
        file.done = true;
        await this.persist();
      }
      const paths = record.files.map((f) => join(record.destinationDir, f.fileName));
      await this.options.onDone?.(record, paths);
      await this.setState(record, "done");
    } catch (err) {
      if (signal.aborted) {
        if (run.stop === "pause") await this.setState(record, "paused");
        else if (run.stop === "close") record.state = "queued"; // resumes with the next manager
        return;
      }
      record.reason = err instanceof Error ? err.message : String(err);
      await this.setState(record, "failed");
    }
  }

  // ── one file ──────────────────────────────────────────────────────────────

  /** Learns each file's size and published sha256 (HEAD, then the tree API) before any byte moves. */
  private async describeFiles(record: DownloadRecord, signal: AbortSignal): Promise<void> {
    for (const file of record.files) {
      if (file.size !== undefined && file.sha256) continue;
      await this.withRetries(record, signal, async () => {
        const res = await send(file.url, { method: "HEAD", auth: hubAuth(this.options.hub()), signal });
        res.body.resume();
        // Some plain servers refuse HEAD: the GET will tell the size instead.
        if (res.status === 405 || res.status === 501) return false;
        if (res.status !== 200 && res.status !== 206) throw httpStatusError(res.status, file.url, { sentToken: res.sentToken, repo: record.repo });
        const length = Number(res.headers["content-length"]);
        file.size ??= res.linked.size ?? (Number.isSafeInteger(length) ? length : undefined);
        if (!file.sha256 && res.linked.sha256) {
          file.sha256 = res.linked.sha256;
          file.sha256Source = "hub";
        }
        if (!file.sha256) {
          const etag = unquote(res.headers.etag);
          const fromTree = await sha256FromTree(file.url, this.options.hub(), signal);
          if (fromTree) {
            file.sha256 = fromTree;
            file.sha256Source = "tree";
          } else if (etag && /^[0-9a-f]{64}$/i.test(etag)) {
            file.sha256 = etag.toLowerCase();
            file.sha256Source = "hub";
          }
        }
        return false;
      });
      if (!file.sha256) this.note(record, `${file.fileName}: the server publishes no sha256; only its size can be checked.`);
    }
    const live = this.ensureLive(record);
    live.bytesTotal = record.files.every((f) => f.size !== undefined) ? record.files.reduce((n, f) => n + f.size!, 0) : undefined;
    await this.persist();
  }

  private async checkFreeSpace(record: DownloadRecord): Promise<void> {
    await mkdir(record.destinationDir, { recursive: true });
    let needed = 0;
    for (const file of record.files) {
      if (file.done || file.size === undefined) continue;
      needed += file.size - (await sizeOf(this.partPath(record, file)));
    }
    const margin = this.opts.freeSpaceMarginBytes;
    const free = this.options.disk?.freeSpace
      ? await this.options.disk.freeSpace(record.destinationDir)
      : await statfs(record.destinationDir).then((s) => s.bavail * s.bsize);
    if (needed + margin > free) {
      throw downloadError(
        "no-space",
        `Not enough free disk space in ${record.destinationDir}: this download needs ${formatBytes(needed)} plus a ${formatBytes(margin)} margin, and ${formatBytes(free)} is free.`,
      );
    }
  }

  private partPath(record: DownloadRecord, file: DownloadFileRecord): string {
    return join(record.destinationDir, `${file.fileName}.part`);
  }

  private async downloadFile(record: DownloadRecord, file: DownloadFileRecord, signal: AbortSignal): Promise<void> {
    const part = this.partPath(record, file);
    const final = join(record.destinationDir, file.fileName);
    if (file.size !== undefined && !(await exists(part)) && (await sizeOf(final)) === file.size) {
      // Renamed just before the app stopped, so the state file missed it: files only get their
      // real name after verification, so this one is complete.
      return;
    }
    await this.withRetries(record, signal, async () => {
      let offset = await sizeOf(part);
      if (file.size !== undefined && offset > file.size) {
        await truncate(part, 0);
        offset = 0;
      }
      if (file.size === undefined || offset < file.size) return this.fetchInto(record, file, part, offset, signal);
      return false;
    });
    await this.verifyAndRename(record, file, part, signal);
  }

  /** One GET from `offset` to the end into the part file; true when bytes arrived (resets retries). */
  private async fetchInto(record: DownloadRecord, file: DownloadFileRecord, part: string, offset: number, signal: AbortSignal): Promise<boolean> {
    const live = this.ensureLive(record);
    const doneBefore = record.files.slice(0, record.files.indexOf(file)).reduce((n, f) => n + (f.size ?? 0), 0);
    // The part file is open before the request, so the body is read from the moment it arrives.
    const handle = await open(part, offset === 0 ? "w" : "r+");
    let res: DownloadResult;
    try {
      res = await sendForDownload(file.url, {
        auth: hubAuth(this.options.hub()),
        signal,
        headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
        headersTimeoutMs: this.opts.stallTimeoutMs,
      });
      if (res.status !== 200 && res.status !== 206) {
        res.body.discard();
        throw httpStatusError(res.status, file.url, { sentToken: res.sentToken, repo: record.repo });
      }
      const rangeStart = res.status === 206 ? Number(/bytes (\d+)-/.exec(String(res.headers["content-range"]))?.[1]) : 0;
      if (offset > 0 && rangeStart !== offset) {
        // The server ignored Range: the only safe way on is from byte zero, overwriting the part.
        this.note(record, `${file.fileName}: the server has no Range support, so the download restarted from zero.`);
        offset = 0;
        await handle.truncate(0);
      }
      const length = Number(res.headers["content-length"]);
      // When HEAD told nothing, the GET's framing gives the size (whole-file length, or the range's total).
      const rangeTotal = Number(/\/(\d+)$/.exec(String(res.headers["content-range"]))?.[1]);
      if (file.size === undefined) file.size = res.status === 206 && Number.isSafeInteger(rangeTotal) ? rangeTotal : res.status === 200 && Number.isSafeInteger(length) ? length : undefined;
      if (file.size !== undefined && Number.isSafeInteger(length) && offset + length !== file.size) {
        res.body.destroy();
        throw downloadError("changed", `${file.fileName} changed on the server (it now has a different size); start the download again.`);
      }
    } catch (err) {
      await handle.close().catch(() => undefined);
      if (err instanceof AppError && err.reason === "range-not-satisfiable") {
        // The part does not fit the file on the server any more: it is of no use.
        await unlink(part).catch(() => undefined);
        this.hashes.delete(part);
      }
      throw err;
    }

    let hashState = this.hashes.get(part);
    if (offset === 0 || hashState?.upTo !== offset) {
      this.hashes.delete(part);
      // From byte zero the hash runs alongside the transfer; a resume without the running hash
      // (after a restart) is verified by reading the file back at the end.
      hashState = offset === 0 ? { hash: createHash("sha256"), upTo: 0 } : undefined;
      if (hashState) this.hashes.set(part, hashState);
    }

    const startedAt = offset;
    const writer = new PartWriter(
      handle,
      offset,
      hashState?.hash,
      (bytes) => {
        if (hashState) hashState.upTo += bytes;
        this.bytesWrittenTotal += bytes;
        live.bytesDone = doneBefore + writer.position;
      },
      (bytes) => this.gateWrite(bytes),
    );
    live.bytesDone = doneBefore + offset;
    // No byte for a while counts as a dropped connection (the body is destroyed, then resumed).
    const stallTimer = setTimeout(() => {
      res.body.destroy(downloadError("stalled", `No data from ${new URL(file.url).host} for ${Math.round(this.opts.stallTimeoutMs / 1000)} s: the connection stalled.`, { retryable: true }));
    }, this.opts.stallTimeoutMs);
    try {
      await transfer(res.body, writer, signal, () => stallTimer.refresh());
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      const error = writer.writeFailure ? diskError(writer.writeFailure, part, writer.position) : networkError(err, file.url);
      throw Object.assign(error, { progressed: writer.position > startedAt });
    } finally {
      clearTimeout(stallTimer);
      await handle.close().catch(() => undefined);
      if (!writer.hashValid && hashState) {
        // The hash ran ahead of a write that failed: verification reads the file back instead.
        if (this.hashes.get(part) === hashState) this.hashes.delete(part);
      }
    }
    if (file.size !== undefined && writer.position < file.size) {
      const error = downloadError("short-body", `The connection to ${new URL(file.url).host} closed early.`, { retryable: true });
      throw Object.assign(error, { progressed: writer.position > startedAt });
    }
    file.size ??= writer.position;
    return writer.position > startedAt;
  }

  private gateWrite(bytes: number): void {
    const quota = this.options.disk?.quotaBytes;
    if (quota !== undefined && this.bytesWrittenTotal + bytes > quota) {
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    }
  }

  private async verifyAndRename(record: DownloadRecord, file: DownloadFileRecord, part: string, signal: AbortSignal): Promise<void> {
    const live = this.ensureLive(record);
    await this.setState(record, "verifying");
    const size = await sizeOf(part);
    if (file.size !== undefined && size !== file.size) {
      await unlink(part).catch(() => undefined);
      throw downloadError("size-mismatch", `${file.fileName} has ${size} bytes, the server said ${file.size}; the data was deleted. Start the download again.`);
    }
    let digest: string | undefined;
    const hashState = this.hashes.get(part);
    this.hashes.delete(part);
    if (hashState && hashState.upTo === size) {
      digest = hashState.hash.digest("hex");
      live.verifiedBytes = size;
    }
    if (digest === undefined) {
      // After a restart the running hash is gone: read the file back, with progress.
      const hash = createHash("sha256");
      live.verifiedBytes = 0;
      for await (const chunk of createReadStream(part, { highWaterMark: 4 * 1024 * 1024, signal })) {
        hash.update(chunk as Buffer);
        live.verifiedBytes += (chunk as Buffer).length;
      }
      digest = hash.digest("hex");
    }
    if (file.sha256 && digest !== file.sha256) {
      await unlink(part).catch(() => undefined);
      throw downloadError(
        "checksum-mismatch",
        `Checksum mismatch for ${file.fileName}: expected sha256 ${file.sha256.slice(0, 16)}…, got ${digest.slice(0, 16)}…. The damaged data was deleted. Start the download again; if it repeats, the server or mirror is serving a bad copy.`,
      );
    }
    await rename(part, join(record.destinationDir, file.fileName));
    live.verifiedBytes = undefined;
    if (record.files.some((f) => !f.done && f !== file)) await this.setState(record, "downloading");
  }

  /**
   * Runs `attempt` until it succeeds, retrying retryable failures with exponential backoff. The
   * count resets whenever an attempt made progress, so many drops over a long download are fine
   * while a server that fails every time is given up on after a few tries.
   */
  private async withRetries(record: DownloadRecord, signal: AbortSignal, attempt: () => Promise<boolean>): Promise<void> {
    const live = this.ensureLive(record);
    let failures = 0;
    for (;;) {
      try {
        await attempt();
        live.attempt = undefined;
        if (record.state === "retrying") await this.setState(record, "downloading");
        return;
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        const error = networkError(err, record.files[0]?.url ?? "");
        if (!error.retryable) throw error;
        const progressed = (err as { progressed?: boolean }).progressed;
        failures = progressed ? 1 : failures + 1;
        if (failures >= this.opts.retry.maxAttempts) {
          throw new AppError(error.code, `${error.message} Gave up after ${failures} attempts; press Resume to try again.`, { reason: error.reason, cause: error });
        }
        const delay = Math.min(this.opts.retry.maxDelayMs, this.opts.retry.baseDelayMs * 2 ** (failures - 1)) * (0.75 + Math.random() * 0.5);
        live.attempt = failures + 1;
        record.reason = `${error.message} Retrying in ${Math.max(1, Math.round(delay / 1000))} s (attempt ${failures + 1} of ${this.opts.retry.maxAttempts}).`;
        await this.setState(record, "retrying");
        await sleep(delay, signal);
        record.reason = undefined;
        await this.setState(record, "downloading");
      }
    }
  }

  private async removePartialData(record: DownloadRecord): Promise<void> {
    for (const file of record.files) {
      const part = this.partPath(record, file);
      this.hashes.delete(part);
      await unlink(part).catch(() => undefined);
      // Verified parts of a model that will never be complete are partial data too.
      if (file.done) await unlink(join(record.destinationDir, file.fileName)).catch(() => undefined);
    }
  }

  // ── progress ──────────────────────────────────────────────────────────────

  private ensureLive(record: DownloadRecord): Live {
    let live = this.live.get(record.id);
    if (!live) {
      const total = record.files.every((f) => f.size !== undefined) ? record.files.reduce((n, f) => n + f.size!, 0) : undefined;
      const done = record.files.filter((f) => f.done).reduce((n, f) => n + (f.size ?? 0), 0);
      live = { bytesDone: done, bytesTotal: total, speed: 0, lastSampleBytes: done, lastSampleAt: Date.now(), fileIndex: 0 };
      this.live.set(record.id, live);
    }
    return live;
  }

  private progressOf(record: DownloadRecord): DownloadProgress {
    const live = this.ensureLive(record);
    const total = live.bytesTotal;
    const bytesDone = record.state === "done" && total !== undefined ? total : live.bytesDone;
    const remaining = total !== undefined ? total - bytesDone : undefined;
    return {
      id: record.id,
      name: record.name,
      state: record.state,
      bytesDone,
      bytesTotal: total,
      speedBytesPerSecond: record.state === "downloading" ? Math.round(live.speed) : 0,
      etaSeconds: record.state === "downloading" && live.speed > 0 && remaining !== undefined ? Math.ceil(remaining / live.speed) : undefined,
      verifiedBytes: record.state === "verifying" ? live.verifiedBytes : undefined,
      fileIndex: live.fileIndex,
      fileCount: record.files.length,
      attempt: live.attempt,
      reason: record.reason,
      notes: [...record.notes],
      paths: record.state === "done" ? record.files.map((f) => join(record.destinationDir, f.fileName)) : undefined,
    };
  }

  private tick(): void {
    const now = Date.now();
    for (const id of this.active.keys()) {
      const record = this.records.find((r) => r.id === id);
      const live = this.live.get(id);
      if (!record || !live) continue;
      const seconds = (now - live.lastSampleAt) / 1000;
      if (seconds <= 0) continue;
      const instant = Math.max(0, live.bytesDone - live.lastSampleBytes) / seconds;
      live.speed = live.speed === 0 ? instant : 0.3 * instant + 0.7 * live.speed;
      live.lastSampleBytes = live.bytesDone;
      live.lastSampleAt = now;
      this.emit(record);
    }
  }

  private emit(record: DownloadRecord): void {
    const progress = this.progressOf(record);
    for (const listener of this.listeners) listener(progress);
  }

  private note(record: DownloadRecord, text: string): void {
    if (!record.notes.includes(text)) record.notes.push(text);
    this.emit(record);
  }

  private async setState(record: DownloadRecord, state: DownloadState): Promise<void> {
    if (["queued", "downloading", "verifying", "done", "paused"].includes(state)) record.reason = undefined;
    record.state = state;
    record.updatedAt = Date.now();
    if (state !== "downloading" && state !== "verifying") await this.persist();
    this.emit(record);
  }

  private persist(): Promise<void> {
    return this.store.save(this.records);
  }

  private mustGet(id: string): DownloadRecord {
    const record = this.records.find((r) => r.id === id);
    if (!record) throw downloadError("unknown", `No download with id ${id}.`);
    return record;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((ok, fail) => {
    if (signal.aborted) return fail(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      ok();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      fail(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Moves a response body into the part writer with backpressure. A body that fails (drop, stall,
 * pause) still has every byte it delivered written before this rejects, so a resume repeats nothing.
 */
async function transfer(body: DownloadBody, writer: PartWriter, signal: AbortSignal, onBytes: () => void): Promise<void> {
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

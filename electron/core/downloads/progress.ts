import { finalPathOf } from "./part-files.js";
import type { DownloadProgress } from "../../shared/contract/downloads.js";
import type { DownloadRecord } from "./state-file.js";

export type ProgressListener = (progress: DownloadProgress) => void;

/** What moves while a download runs; in memory only (the record holds what must survive a restart). */
export interface LiveCounters {
  bytesDone: number;
  bytesTotal?: number;
  speed: number;
  lastSampleBytes: number;
  lastSampleAt: number;
  verifiedBytes?: number;
  fileIndex: number;
  attempt?: number;
}

/** All files' sizes added up, when every size is known. */
export function totalBytesOf(record: DownloadRecord): number | undefined {
  return record.files.every((f) => f.size !== undefined) ? record.files.reduce((n, f) => n + f.size!, 0) : undefined;
}

/**
 * Progress of every download: live byte counters, a smoothed speed and ETA sampled on a timer, and
 * the listeners that receive each snapshot.
 */
export class DownloadProgressReporter {
  private readonly counters = new Map<string, LiveCounters>();
  private readonly listeners = new Set<ProgressListener>();
  private ticker?: NodeJS.Timeout;

  subscribe(listener: ProgressListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The record's counters, started from its finished files when first asked for. */
  countersOf(record: DownloadRecord): LiveCounters {
    let counters = this.counters.get(record.id);
    if (!counters) {
      const done = record.files.filter((f) => f.done).reduce((n, f) => n + (f.size ?? 0), 0);
      counters = { bytesDone: done, bytesTotal: totalBytesOf(record), speed: 0, lastSampleBytes: done, lastSampleAt: Date.now(), fileIndex: 0 };
      this.counters.set(record.id, counters);
    }
    return counters;
  }

  forget(id: string): void {
    this.counters.delete(id);
  }

  snapshot(record: DownloadRecord): DownloadProgress {
    const live = this.countersOf(record);
    const total = live.bytesTotal;
    const bytesDone = record.state === "done" && total !== undefined ? total : live.bytesDone;
    const remaining = total !== undefined ? total - bytesDone : undefined;
    return {
      id: record.id,
      jobId: record.id,
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
      paths: record.state === "done" ? record.files.map((f) => finalPathOf(record, f)) : undefined,
      modelId: record.modelId,
      variantId: record.variantId,
    };
  }

  publish(record: DownloadRecord): void {
    const progress = this.snapshot(record);
    for (const listener of this.listeners) listener(progress);
  }

  /** Every `intervalMs`, updates the speed of the running downloads and publishes them. */
  startTicking(intervalMs: number, running: () => DownloadRecord[]): void {
    this.ticker = setInterval(() => {
      const now = Date.now();
      for (const record of running()) this.sample(record, now);
    }, intervalMs);
    this.ticker.unref();
  }

  stopTicking(): void {
    if (this.ticker) clearInterval(this.ticker);
  }

  private sample(record: DownloadRecord, now: number): void {
    const live = this.counters.get(record.id);
    if (!live) return;
    const seconds = (now - live.lastSampleAt) / 1000;
    if (seconds <= 0) return;
    const instant = Math.max(0, live.bytesDone - live.lastSampleBytes) / seconds;
    // An exponential moving average: steady enough to read, quick enough to follow a change.
    live.speed = live.speed === 0 ? instant : 0.3 * instant + 0.7 * live.speed;
    live.lastSampleBytes = live.bytesDone;
    live.lastSampleAt = now;
    this.publish(record);
  }
}

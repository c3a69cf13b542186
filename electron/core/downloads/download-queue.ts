import type { DownloadRecord } from "./state-file.js";

/** Why a running download was stopped: each leaves it in a different state. */
export type StopReason = "pause" | "cancel" | "close";

/** What a running download is given: its abort signal, and why it was stopped once it is. */
export interface RunControl {
  signal: AbortSignal;
  stopReason(): StopReason | undefined;
}

interface ActiveRun {
  controller: AbortController;
  stop?: StopReason;
  settled: Promise<void>;
}

const ABORT_MESSAGE: Record<StopReason, string> = { pause: "paused", cancel: "cancelled", close: "closing" };

/**
 * Starts queued downloads in list order, at most `concurrency` at a time, and stops them on
 * request. A new limit applies as slots free up (running downloads are not stopped).
 */
export class DownloadQueue {
  private readonly active = new Map<string, ActiveRun>();
  private closed = false;

  constructor(
    private readonly records: () => readonly DownloadRecord[],
    private readonly run: (record: DownloadRecord, control: RunControl) => Promise<void>,
    private concurrency: number,
  ) {}

  setConcurrency(limit: number): void {
    this.concurrency = Math.max(1, Math.floor(limit));
    this.pump();
  }

  runningIds(): string[] {
    return [...this.active.keys()];
  }

  /** Starts queued downloads while slots are free. */
  pump(): void {
    if (this.closed) return;
    for (const record of this.records()) {
      if (this.active.size >= this.concurrency) return;
      if (record.state === "queued" && !this.active.has(record.id)) this.start(record);
    }
  }

  /** Stops the download if it is running and waits until it has; false when it was not running. */
  async stop(id: string, reason: StopReason): Promise<boolean> {
    const run = this.active.get(id);
    if (!run) return false;
    this.abort(run, reason);
    await run.settled;
    return true;
  }

  /** Stops every running download and starts no more. */
  async close(): Promise<void> {
    this.closed = true;
    const runs = [...this.active.values()];
    for (const run of runs) this.abort(run, "close");
    await Promise.all(runs.map((r) => r.settled));
  }

  private abort(run: ActiveRun, reason: StopReason): void {
    run.stop = reason;
    run.controller.abort(new Error(ABORT_MESSAGE[reason]));
  }

  private start(record: DownloadRecord): void {
    const controller = new AbortController();
    const run: ActiveRun = { controller, settled: Promise.resolve() };
    this.active.set(record.id, run);
    run.settled = this.run(record, { signal: controller.signal, stopReason: () => run.stop }).finally(() => {
      this.active.delete(record.id);
      this.pump();
    });
  }
}

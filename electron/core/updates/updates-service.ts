import type { UpdateStatus } from "../../shared/contract/updates.js";
import { AppError } from "../../shared/errors.js";
import type { EventSink } from "../kernel/event-bus.js";
import type { Updater } from "./updater.js";

/**
 * The update status and the one check or download running at a time. Failures end in an "error"
 * status with a message for people; a later check may succeed.
 */
export class UpdatesService {
  #status: UpdateStatus;
  #running: Promise<UpdateStatus> | undefined;

  constructor(
    private readonly updater: Updater | undefined,
    private readonly currentVersion: string,
    private readonly emit: EventSink,
    unsupportedReason: string,
  ) {
    this.#status = updater ? { state: "idle", currentVersion } : { state: "unsupported", currentVersion, reason: unsupportedReason };
  }

  get status(): UpdateStatus {
    return this.#status;
  }

  check(): Promise<UpdateStatus> {
    const updater = this.#require();
    if (this.#running) return this.#running;
    if (this.#status.state === "downloaded") return Promise.resolve(this.#status);
    this.#set({ state: "checking", currentVersion: this.currentVersion });
    return this.#run(async () => {
      const found = await updater.check();
      return found
        ? { state: "available", currentVersion: this.currentVersion, version: found.version, releaseNotes: found.releaseNotes }
        : { state: "up-to-date", currentVersion: this.currentVersion, checkedAt: new Date().toISOString() };
    });
  }

  /** Starts the download of the version found by check; answers at once with "downloading". */
  download(): UpdateStatus {
    const updater = this.#require();
    const found = this.#status;
    if (found.state === "downloading" || found.state === "downloaded") return found;
    if (found.state !== "available") throw new AppError("bad-request", "There is no update to download: check for updates first.");
    const { version } = found;
    const started = this.#set({ state: "downloading", currentVersion: this.currentVersion, version, progress: 0 });
    void this.#run(async () => {
      await updater.download((fraction) => {
        if (this.#status.state === "downloading") this.#set({ ...this.#status, progress: Math.min(1, Math.max(0, fraction)) });
      });
      return { state: "downloaded", currentVersion: this.currentVersion, version };
    });
    return started;
  }

  install(): { restarting: boolean } {
    const updater = this.#require();
    if (this.#status.state !== "downloaded") throw new AppError("bad-request", "No update has been downloaded yet.");
    updater.install();
    return { restarting: true };
  }

  #require(): Updater {
    if (!this.updater || this.#status.state === "unsupported")
      throw new AppError("unavailable", this.#status.state === "unsupported" ? this.#status.reason : "Updates are not available.");
    return this.updater;
  }

  #run(work: () => Promise<UpdateStatus>): Promise<UpdateStatus> {
    const running = work().then(
      (status) => this.#set(status),
      (err: unknown) => this.#set({ state: "error", currentVersion: this.currentVersion, message: describeFailure(err) }),
    );
    this.#running = running.finally(() => (this.#running = undefined));
    return this.#running;
  }

  #set(status: UpdateStatus): UpdateStatus {
    this.#status = status;
    this.emit("updates.changed", status);
    return status;
  }
}

function describeFailure(err: unknown): string {
  const detail = err instanceof Error ? err.message.split("\n")[0] : String(err);
  return `The update check failed: ${detail}. R1 Local keeps working; try again later.`;
}

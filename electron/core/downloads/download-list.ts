import { downloadError } from "./errors.js";
import type { DownloadProgressReporter } from "./progress.js";
import type { DownloadState } from "../../shared/contract/downloads.js";
import type { DownloadRecord, DownloadStateFile } from "./state-file.js";

/** States a download stays in until someone acts; the others are on their way somewhere. */
const SETTLED: DownloadState[] = ["done", "failed", "cancelled", "paused"];
/** Changing to one of these clears the last failure or retry message. */
const CLEARS_REASON: DownloadState[] = ["queued", "downloading", "verifying", "done", "paused"];

/**
 * The list of downloads, in memory and on disk: every state change is saved (except the busy
 * "downloading"/"verifying", which a restart turns back into "queued" anyway) and published.
 */
export class DownloadList {
  private records: DownloadRecord[] = [];

  constructor(
    private readonly store: DownloadStateFile,
    private readonly progress: DownloadProgressReporter,
  ) {}

  /**
   * Loads the saved list; what was on its way when the app stopped is queued again. `refuse` says
   * why a record read back from disk must not be acted on (its paths are built from its fields).
   */
  async load(refuse: (record: DownloadRecord) => string | undefined): Promise<void> {
    this.records = await this.store.load();
    for (const record of this.records) {
      const unsafe = refuse(record);
      if (unsafe) {
        // A state file edited or damaged outside the app: the record stays visible, and never runs.
        record.state = "failed";
        record.reason = `This download cannot continue: ${unsafe}.`;
        continue;
      }
      if (["downloading", "retrying", "verifying", "queued"].includes(record.state)) {
        record.state = "queued";
        this.progress.countersOf(record);
      }
    }
    await this.persist();
  }

  all(): readonly DownloadRecord[] {
    return this.records;
  }

  find(id: string): DownloadRecord | undefined {
    return this.records.find((r) => r.id === id);
  }

  mustGet(id: string): DownloadRecord {
    const record = this.find(id);
    if (!record) throw downloadError("unknown", `No download with id ${id}.`);
    return record;
  }

  /** The download of this model (folder and first file) that is still on its way, if any. */
  unsettledFor(destinationDir: string, firstFileName: string | undefined): DownloadRecord | undefined {
    return this.records.find((r) => r.destinationDir === destinationDir && r.files[0]?.fileName === firstFileName && !SETTLED.includes(r.state));
  }

  async add(record: DownloadRecord): Promise<void> {
    this.records.push(record);
    this.progress.countersOf(record);
    await this.persist();
    this.progress.publish(record);
  }

  async remove(record: DownloadRecord): Promise<void> {
    this.records = this.records.filter((r) => r !== record);
    this.progress.forget(record.id);
    await this.persist();
  }

  /** Removes a settled download from the list; one still on its way stays. */
  async forgetSettled(id: string): Promise<void> {
    this.records = this.records.filter((r) => r.id !== id || !SETTLED.includes(r.state));
    await this.persist();
  }

  async setState(record: DownloadRecord, state: DownloadState): Promise<void> {
    if (CLEARS_REASON.includes(state)) record.reason = undefined;
    record.state = state;
    record.updatedAt = Date.now();
    if (state !== "downloading" && state !== "verifying") await this.persist();
    this.progress.publish(record);
  }

  /** Adds a note for the person (once), e.g. that a server has no Range support. */
  note(record: DownloadRecord, text: string): void {
    if (!record.notes.includes(text)) record.notes.push(text);
    this.progress.publish(record);
  }

  persist(): Promise<void> {
    return this.store.save(this.records);
  }
}

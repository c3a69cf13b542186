import fs from "node:fs";
import path from "node:path";
import { datedBackupName, removeStaleTempFiles, writeFileAtomicSync } from "../kernel/atomic-file.js";
import { decodeRecord, encodeRecord, type LogRecord } from "./records.js";

export interface LogReadResult {
  records: LogRecord[];
  /** Lines that failed their checksum or shape, including a torn last line. */
  damagedLines: number;
  totalLines: number;
}

/**
 * The append-only file behind the store. Appends go out with one write() each, so a killed process
 * leaves whole lines; fdatasync follows within `syncDelayMs` so a power cut loses at most that.
 * Compaction writes a fresh file beside it and renames it over, so either version survives a crash.
 */
export class ConversationLog {
  private fd: number | null = null;
  private syncTimer: NodeJS.Timeout | null = null;
  private syncing = false;
  private dirty = false;
  /** Lines in the file now; compared with live records to decide when to compact. */
  lineCount = 0;

  constructor(
    readonly file: string,
    private readonly syncDelayMs: number,
  ) {}

  read(): LogReadResult {
    removeStaleTempFiles(this.file);
    let text: string;
    try {
      text = fs.readFileSync(this.file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return { records: [], damagedLines: 0, totalLines: 0 };
      throw err;
    }
    const lines = text.split("\n");
    // A file that ends in a newline splits into a last empty string; anything else there is a torn line.
    const tail = lines.pop() ?? "";
    const records: LogRecord[] = [];
    let damagedLines = tail.length > 0 ? 1 : 0;
    for (const line of lines) {
      const record = line.length ? decodeRecord(line) : null;
      if (record) records.push(record);
      else damagedLines++;
    }
    this.lineCount = lines.length + (tail.length > 0 ? 1 : 0);
    return { records, damagedLines, totalLines: this.lineCount };
  }

  /** Copies the file as it is to a dated name beside it, before a repair rewrites it. */
  backUp(label = "damaged"): string {
    const backup = datedBackupName(this.file, label);
    fs.copyFileSync(this.file, backup);
    return backup;
  }

  append(records: LogRecord[]): void {
    if (!records.length) return;
    const fd = this.openForAppend();
    fs.writeSync(fd, records.map(encodeRecord).join(""));
    this.lineCount += records.length;
    this.scheduleSync();
  }

  /** Replaces the whole file with these records (a snapshot of the live state). */
  rewrite(records: Iterable<LogRecord>): void {
    const parts: string[] = [];
    let count = 0;
    for (const record of records) {
      parts.push(encodeRecord(record));
      count++;
    }
    this.closeFd();
    writeFileAtomicSync(this.file, parts.join(""));
    this.lineCount = count;
  }

  /** Waits until everything appended so far is on the disk. */
  sync(): void {
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.syncTimer = null;
    if (this.fd !== null && this.dirty) {
      this.dirty = false;
      fs.fdatasyncSync(this.fd);
    }
  }

  close(): void {
    this.sync();
    this.closeFd();
  }

  private openForAppend(): number {
    if (this.fd === null) {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      this.fd = fs.openSync(this.file, "a", 0o600);
    }
    return this.fd;
  }

  private scheduleSync(): void {
    this.dirty = true;
    if (this.syncTimer || this.syncing) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = null;
      const fd = this.fd;
      if (fd === null || !this.dirty) return;
      this.dirty = false;
      this.syncing = true;
      // Off the main thread: a slow disk must not stall the UI or the token stream.
      fs.fdatasync(fd, () => {
        this.syncing = false;
        if (this.dirty) this.scheduleSync();
      });
    }, this.syncDelayMs);
    this.syncTimer.unref();
  }

  private closeFd(): void {
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.syncTimer = null;
    if (this.fd !== null) {
      const fd = this.fd;
      this.fd = null;
      // An fdatasync still running on this fd finishes first: closing under it would be EBADF.
      if (this.syncing) setImmediate(() => this.closeLater(fd));
      else fs.closeSync(fd);
    }
  }

  private closeLater(fd: number): void {
    if (this.syncing) setTimeout(() => this.closeLater(fd), 5).unref();
    else fs.closeSync(fd);
  }
}

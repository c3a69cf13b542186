import { createReadStream } from "node:fs";
import { appendFile, mkdir, open, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { removeStaleTempFiles, writeFileAtomic } from "../kernel/atomic-file.js";
import { decodeIndexRecord, encodeIndexRecord, type IndexRecord } from "./index-records.js";

export interface IndexLogRead {
  records: IndexRecord[];
  /** Lines that failed their checksum: a torn last line after a kill, or damage. */
  damagedLines: number;
  totalLines: number;
}

/**
 * The file behind a collection's index. Read line by line (an index can be far larger than a
 * string may be), appended one whole record per write, fsync'd when the indexer asks (every few
 * files and at the end), and rewritten atomically when compacted.
 */
export class IndexLog {
  #handle: FileHandle | null = null;

  constructor(readonly file: string) {}

  async read(): Promise<IndexLogRead> {
    removeStaleTempFiles(this.file);
    const result: IndexLogRead = { records: [], damagedLines: 0, totalLines: 0 };
    const stream = createReadStream(this.file, { encoding: "utf8" });
    const opened = await new Promise<boolean>((resolve, reject) => {
      stream.once("open", () => resolve(true));
      stream.once("error", (err: NodeJS.ErrnoException) => (err.code === "ENOENT" ? resolve(false) : reject(err)));
    });
    if (!opened) return result;
    for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
      if (!line) continue;
      result.totalLines++;
      const record = decodeIndexRecord(line);
      if (record) result.records.push(record);
      else result.damagedLines++;
    }
    return result;
  }

  async append(record: IndexRecord): Promise<void> {
    const handle = await this.#open();
    await handle.appendFile(encodeIndexRecord(record));
  }

  /** Makes every record appended so far durable. */
  async sync(): Promise<void> {
    await this.#handle?.sync();
  }

  /** Replaces the whole log with these records (compaction, a torn tail dropped, a new embedder). */
  async rewrite(records: Iterable<IndexRecord>): Promise<void> {
    await this.close();
    const lines: string[] = [];
    for (const record of records) lines.push(encodeIndexRecord(record));
    await writeFileAtomic(this.file, lines.join(""));
  }

  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = null;
    if (handle) {
      await handle.sync();
      await handle.close();
    }
  }

  async #open(): Promise<FileHandle> {
    if (this.#handle) return this.#handle;
    await mkdir(path.dirname(this.file), { recursive: true });
    await appendFile(this.file, "");
    this.#handle = await open(this.file, "a", 0o600);
    return this.#handle;
  }
}

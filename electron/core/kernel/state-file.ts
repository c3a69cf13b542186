import fs from "node:fs";
import type { z } from "zod";
import { datedBackupName, removeStaleTempFiles, writeFileAtomic, writeFileAtomicSync } from "./atomic-file.js";

/** What reading a state file found: its value, nothing (no file yet), or damage that was set aside. */
export interface StateRead<T> {
  value: T | undefined;
  /** The file did not parse or validate; it was renamed to `backup` and `value` is undefined. */
  damaged?: { backup: string; problem: string };
}

/** Told when a damaged file was set aside, so its owner can say so (a notice, a log line). */
export type OnDamaged = (damaged: { backup: string; problem: string }) => void;

/**
 * One JSON state file in the data folder (downloads, library, hub facts, measured speeds, …):
 * read and validated with its zod schema, replaced atomically and durably (temp file, fsync,
 * rename, folder fsync), one write at a time. A damaged file never stops the app: it is set
 * aside under a dated name and reported, and the caller starts from its defaults.
 */
export class JsonStateFile<T> {
  #chain: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly schema: z.ZodType<T>,
    private readonly options: { mode?: number; indent?: number; onDamaged?: OnDamaged } = {},
  ) {}

  read(): Promise<StateRead<T>> {
    return Promise.resolve().then(() => this.readSync());
  }

  readSync(): StateRead<T> {
    removeStaleTempFiles(this.path);
    let text: string;
    try {
      text = fs.readFileSync(this.path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return { value: undefined };
      throw err;
    }
    let problem: string;
    try {
      const parsed = this.schema.safeParse(JSON.parse(text));
      if (parsed.success) return { value: parsed.data };
      problem = parsed.error.issues[0]?.message ?? "it does not match its schema";
    } catch (err) {
      problem = err instanceof Error ? err.message : String(err);
    }
    const backup = datedBackupName(this.path, "damaged");
    fs.renameSync(this.path, backup);
    this.options.onDamaged?.({ backup, problem });
    return { value: undefined, damaged: { backup, problem } };
  }

  /** Queues a durable replace; resolves when this value (and every earlier one) is on disk. */
  write(value: T): Promise<void> {
    const text = this.serialize(value);
    const next = this.#chain.then(() => writeFileAtomic(this.path, text, this.options.mode));
    this.#chain = next.catch(() => undefined);
    return next;
  }

  /** For start-up and shutdown paths that cannot wait; waits for no queued write. */
  writeSync(value: T): void {
    writeFileAtomicSync(this.path, this.serialize(value), this.options.mode);
  }

  private serialize(value: T): string {
    return JSON.stringify(value, null, this.options.indent ?? 1) + "\n";
  }
}

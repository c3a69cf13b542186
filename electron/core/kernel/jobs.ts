import { randomUUID } from "node:crypto";
import { silentLog, type CoreLog } from "./log-file.js";

export interface Job {
  id: string;
  kind: string;
  signal: AbortSignal;
}

/** Long work (model load, generation) is a job: an id at once, then events, and cancel. */
export class JobRegistry {
  readonly #controllers = new Map<string, { kind: string; controller: AbortController }>();

  constructor(private readonly log: CoreLog = silentLog) {}

  start(kind: string, run: (job: Job) => Promise<void>): string {
    const id = `${kind}-${randomUUID().slice(0, 8)}`;
    const controller = new AbortController();
    this.#controllers.set(id, { kind, controller });
    // A job reports its own outcome in events; what escapes it is a bug, kept in the log.
    void run({ id, kind, signal: controller.signal })
      .catch((err: unknown) => this.log.unexpected(`job ${kind}`, err))
      .finally(() => this.#controllers.delete(id));
    return id;
  }

  cancel(id: string): boolean {
    const entry = this.#controllers.get(id);
    if (!entry) return false;
    entry.controller.abort(new Error("Cancelled"));
    return true;
  }

  running(kind?: string): string[] {
    return [...this.#controllers].filter(([, e]) => !kind || e.kind === kind).map(([id]) => id);
  }
}

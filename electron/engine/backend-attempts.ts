import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { BackendKind } from "../shared/contract/engine.js";

const AttemptsFile = z.object({
  /** The backend a process was starting when it last wrote; still set at the next start means it died there. */
  starting: BackendKind.nullable().default(null),
  /** Backends that crashed the engine while starting: "auto" skips them. */
  excluded: z.array(BackendKind).default([]),
});
type AttemptsFile = z.infer<typeof AttemptsFile>;

export const backendNames: Record<BackendKind, string> = { cuda: "CUDA", vulkan: "Vulkan", metal: "Metal", cpu: "CPU" };

/**
 * The engine process is its own test of a backend: before starting one it writes which, and clears
 * it once llama.cpp runs. A process that dies in between (a native abort in a GPU driver) leaves the
 * mark, so the next process (the core restarts it) excludes that backend, for good, and says so.
 * This is why node-llama-cpp's own forked binary test is not needed to survive a broken backend.
 * Written synchronously: a native crash leaves no time for anything asynchronous.
 */
export class BackendAttempts {
  #state: AttemptsFile;
  /** Excluded by this process, after the previous one died starting it: the notice names it. */
  readonly newlyExcluded: BackendKind | null;

  private constructor(
    private readonly file: string | null,
    state: AttemptsFile,
  ) {
    const died = state.starting;
    this.newlyExcluded = died && died !== "cpu" && !state.excluded.includes(died) ? died : null;
    this.#state = { starting: null, excluded: this.newlyExcluded ? [...state.excluded, this.newlyExcluded] : state.excluded };
    if (died) this.write();
  }

  /** The attempts kept in `dir` (the data folder's engine/), or kept in memory only without one. */
  static open(dir: string | undefined): BackendAttempts {
    if (!dir) return new BackendAttempts(null, AttemptsFile.parse({}));
    const file = path.join(dir, "backend-attempts.json");
    let state = AttemptsFile.parse({});
    try {
      const parsed = AttemptsFile.safeParse(JSON.parse(readFileSync(file, "utf8")));
      if (parsed.success) state = parsed.data;
    } catch {
      // None yet, or unreadable: start with nothing excluded (the worst case is one more crash).
    }
    return new BackendAttempts(file, state);
  }

  get excluded(): BackendKind[] {
    return [...this.#state.excluded];
  }

  isExcluded(kind: BackendKind): boolean {
    return this.#state.excluded.includes(kind);
  }

  starting(kind: BackendKind): void {
    this.#state = { ...this.#state, starting: kind };
    this.write();
  }

  /** llama.cpp runs on it (or refused it without dying): no longer a suspect; chosen by name, it is tried again. */
  started(kind: BackendKind): void {
    this.#state = { starting: null, excluded: this.#state.excluded.filter((k) => k !== kind) };
    this.write();
  }

  failed(): void {
    this.#state = { ...this.#state, starting: null };
    this.write();
  }

  /** What a person is told while a backend is excluded. */
  notice(running: BackendKind): string | undefined {
    if (this.#state.excluded.length === 0) return undefined;
    const names = this.#state.excluded.map((k) => backendNames[k]).join(" and ");
    return (
      `The ${names} backend crashed the engine while starting, so Auto skips it now and runs on ${backendNames[running]}. ` +
      `Choose it in Settings → Backend to try it again (after a driver update, say).`
    );
  }

  private write(): void {
    if (!this.file) return;
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, JSON.stringify(this.#state));
    renameSync(temp, this.file);
  }
}

import type { RequestLane } from "../../shared/contract/engine.js";
import { AppError } from "../kernel/errors.js";
import { QueueFullError } from "../generation/queue-full.js";

/** Requests that may wait behind each API sequence before one is refused with "queue full". */
export const QUEUED_PER_SEQUENCE = 8;

/** Answers whose length estimates when a refused client should try again. */
const RECENT_ANSWERS = 8;

/** The wait a refusal names before any answer was timed. */
const FIRST_GUESS_MS = 5_000;

interface Waiter {
  lane: RequestLane;
  start: () => void;
}

/**
 * Where requests wait for a sequence of the loaded context (engine/sequence-slots.ts lays them
 * out): with one sequence everyone shares it; with more, the window has the first to itself and
 * API clients share the rest. Requests beyond the sequences wait in order (the window's ahead of
 * any API client's), up to QUEUED_PER_SEQUENCE per API sequence; one more is refused with
 * QueueFullError. A request whose signal aborts while it waits leaves the queue at once.
 */
export class RequestQueue {
  readonly #running: Record<RequestLane, number> = { window: 0, api: 0 };
  readonly #waiting: Waiter[] = [];
  readonly #answerMs: number[] = [];

  /** `sequences`: the loaded context's sequence count, read at each decision (a reload may change it). */
  constructor(private readonly sequences: () => number) {}

  /** Requests waiting now. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Waits for a sequence of the lane; resolves with the function that gives it back. */
  async enter(lane: RequestLane, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw cancelled();
    if (this.#fits(lane) && !this.#waiting.some((w) => this.#competes(w.lane, lane))) return this.#start(lane);
    const queuedApi = this.#waiting.filter((w) => w.lane === "api").length;
    if (lane === "api" && queuedApi >= this.#limit()) {
      throw new QueueFullError(
        `Every sequence is answering and ${queuedApi} requests are waiting already; try again shortly (R1 Local's "Parallel requests" setting adds sequences).`,
        this.#retryAfterSeconds(),
      );
    }
    return new Promise<() => void>((resolve, reject) => {
      const waiter: Waiter = {
        lane,
        start: () => {
          signal?.removeEventListener("abort", leave);
          resolve(this.#start(lane));
        },
      };
      const leave = () => {
        const at = this.#waiting.indexOf(waiter);
        if (at >= 0) this.#waiting.splice(at, 1);
        reject(cancelled());
      };
      signal?.addEventListener("abort", leave, { once: true });
      // The person typing in the window goes ahead of every API client waiting.
      const firstApi = this.#waiting.findIndex((w) => w.lane === "api");
      if (lane === "window" && firstApi >= 0) this.#waiting.splice(firstApi, 0, waiter);
      else this.#waiting.push(waiter);
    });
  }

  #start(lane: RequestLane): () => void {
    this.#running[lane]++;
    const startedAt = performance.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#running[lane]--;
      if (lane === "api") this.#answerMs.splice(0, Math.max(0, this.#answerMs.push(performance.now() - startedAt) - RECENT_ANSWERS));
      this.#pump();
    };
  }

  /** Starts waiting requests, in order, while their lane has a free sequence. */
  #pump(): void {
    for (let i = 0; i < this.#waiting.length;) {
      const waiter = this.#waiting[i]!;
      if (this.#fits(waiter.lane)) {
        this.#waiting.splice(i, 1);
        waiter.start();
      } else i++;
    }
  }

  #shared(): boolean {
    return this.sequences() <= 1;
  }

  #fits(lane: RequestLane): boolean {
    if (this.#shared()) return this.#running.window + this.#running.api < 1;
    return lane === "window" ? this.#running.window < 1 : this.#running.api < this.sequences() - 1;
  }

  /** Whether a waiting request of lane `a` must start before a new one of lane `b`. */
  #competes(a: RequestLane, b: RequestLane): boolean {
    return this.#shared() || a === b;
  }

  #apiSequences(): number {
    return Math.max(1, this.sequences() - 1);
  }

  #limit(): number {
    return QUEUED_PER_SEQUENCE * this.#apiSequences();
  }

  /** About when a place in the queue frees up: an answer's recent length, shared by the API sequences. */
  #retryAfterSeconds(): number {
    const answers = this.#answerMs;
    const answerMs = answers.length ? answers.reduce((a, b) => a + b, 0) / answers.length : FIRST_GUESS_MS;
    return Math.max(1, Math.ceil(answerMs / this.#apiSequences() / 1000));
  }
}

function cancelled(): AppError {
  return new AppError("cancelled", "The request was cancelled while it waited for a sequence.");
}

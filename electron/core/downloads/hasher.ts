import { createHash } from "node:crypto";
import { Worker } from "node:worker_threads";

// Small enough to stay in the CPU's cache between arriving, being hashed and being written.
export const BLOCK_BYTES = 256 * 1024;

/**
 * Reused blocks for staging downloaded bytes. Fresh buffers cost the kernel a page fault per
 * 4 KiB on first touch, which measured as a large share of a download's CPU time.
 */
export const blockPool = {
  free: [] as Buffer[],
  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(BLOCK_BYTES);
  },
  give(block: Buffer): void {
    if (block.buffer.byteLength === BLOCK_BYTES && this.free.length < 64) this.free.push(Buffer.from(block.buffer, 0, BLOCK_BYTES));
  },
};

/** A running sha256 fed in order; `update` resolves when the caller may send more. */
export interface RunningHash {
  /** `owned`: the caller gives the (single) buffer away, so it can move to another thread uncopied. */
  update(chunks: Buffer[], owned?: boolean): Promise<void>;
  /** undefined when the hash was lost (its worker died): the caller reads the file back instead. */
  digest(): Promise<string | undefined>;
  dispose(): void;
  /** Present when the hash runs on this thread: hashes bytes at once (while they are still in cache). */
  readonly now?: (chunk: Uint8Array) => void;
}

/** Hashing on the calling thread (small files, or when threads are unwelcome). */
export function inlineHash(): RunningHash {
  const hash = createHash("sha256");
  return {
    update: async (chunks, owned = false) => {
      for (const c of chunks) hash.update(c);
      if (owned && chunks.length === 1) blockPool.give(chunks[0]!); // hashed: reusable at once
    },
    digest: async () => hash.digest("hex"),
    dispose: () => undefined,
    now: (chunk) => hash.update(chunk),
  };
}

// The worker's whole program. Kept inline (eval) so bundling the core needs no extra entry.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const hashes = new Map();
parentPort.on("message", (m) => {
  if (m.t === "new") hashes.set(m.id, createHash("sha256"));
  else if (m.t === "update") { hashes.get(m.id)?.update(new Uint8Array(m.buf, 0, m.n)); parentPort.postMessage({ t: "ack", id: m.id, n: m.n, buf: m.buf }, [m.buf]); }
  else if (m.t === "digest") { const h = hashes.get(m.id); hashes.delete(m.id); parentPort.postMessage({ t: "digest", id: m.id, hex: h ? h.digest("hex") : "" }); }
  else if (m.t === "drop") hashes.delete(m.id);
});
`;

const MAX_PENDING_BYTES = 64 * 1024 * 1024;

type Message = { t: "ack"; id: number; n: number; buf: ArrayBuffer } | { t: "digest"; id: number; hex: string };

/**
 * sha256 on a worker thread, so hashing a download overlaps with receiving and writing it instead
 * of adding to it (the transfer would otherwise run at the speed of receive + hash in series).
 * Bytes are copied into transferable buffers; at most 64 MiB wait in the queue per hash.
 */
export class HashWorker {
  private worker?: Worker;
  private nextId = 1;
  private readonly states = new Map<number, { pending: number; waiters: Array<() => void>; onDigest?: (hex: string | undefined) => void }>();

  hash(): RunningHash {
    const worker = this.start();
    const id = this.nextId++;
    const state: { pending: number; waiters: Array<() => void>; onDigest?: (hex: string | undefined) => void } = { pending: 0, waiters: [] };
    this.states.set(id, state);
    worker.postMessage({ t: "new", id });
    return {
      update: async (chunks, owned = false) => {
        const total = chunks.reduce((n, c) => n + c.length, 0);
        if (total === 0) return;
        let block: Buffer;
        if (owned && chunks.length === 1 && chunks[0]!.byteOffset === 0) {
          block = chunks[0]!;
        } else {
          block = Buffer.allocUnsafeSlow(total); // its own ArrayBuffer, safe to transfer
          let offset = 0;
          for (const c of chunks) offset += c.copy(block, offset);
        }
        state.pending += total;
        worker.postMessage({ t: "update", id, buf: block.buffer, n: total }, [block.buffer as ArrayBuffer]);
        if (state.pending > MAX_PENDING_BYTES) await new Promise<void>((ok) => state.waiters.push(ok));
      },
      digest: () =>
        new Promise<string | undefined>((ok) => {
          state.onDigest = ok;
          worker.postMessage({ t: "digest", id });
        }),
      dispose: () => {
        this.states.delete(id);
        worker.postMessage({ t: "drop", id });
        for (const w of state.waiters.splice(0)) w();
      },
    };
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on("message", (m: Message) => {
      if (m.t === "ack") blockPool.give(Buffer.from(m.buf)); // the worker hands hashed blocks back
      const state = this.states.get(m.id);
      if (!state) return;
      if (m.t === "ack") {
        state.pending -= m.n;
        if (state.pending <= MAX_PENDING_BYTES) for (const w of state.waiters.splice(0)) w();
      } else {
        this.states.delete(m.id);
        state.onDigest?.(m.hex);
      }
    });
    const lost = () => {
      if (this.worker === worker) this.worker = undefined;
      for (const state of this.states.values()) {
        for (const w of state.waiters.splice(0)) w();
        state.onDigest?.(undefined);
      }
      this.states.clear();
    };
    worker.on("error", lost);
    worker.on("exit", lost);
    this.worker = worker;
    return worker;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}

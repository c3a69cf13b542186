import type { ScoredSlot } from "./bm25.js";

/**
 * Unit vectors in one flat Float32Array, a row per slot, searched by a brute-force dot product
 * (cosine, since rows are normalised). Chosen by measurement (docs/ARCHITECTURE.md): a scan of
 * 100,000 rows is well under the 50 ms budget, needs no native code and no second store to keep
 * consistent with the chunk log.
 */
export class FlatVectorStore {
  #rows: Float32Array;
  #alive: Uint8Array;
  #capacity: number;
  #count = 0;

  constructor(
    readonly dimensions: number,
    initialCapacity = 1024,
  ) {
    this.#capacity = initialCapacity;
    this.#rows = new Float32Array(initialCapacity * dimensions);
    this.#alive = new Uint8Array(initialCapacity);
  }

  get size(): number {
    return this.#count;
  }

  set(slot: number, vector: Float32Array): void {
    if (vector.length !== this.dimensions) throw new Error(`A vector of ${vector.length} values does not fit a store of ${this.dimensions}.`);
    this.#grow(slot + 1);
    const row = this.#rows.subarray(slot * this.dimensions, (slot + 1) * this.dimensions);
    row.set(vector);
    normalize(row);
    if (!this.#alive[slot]) this.#count++;
    this.#alive[slot] = 1;
  }

  remove(slot: number): void {
    if (slot < this.#capacity && this.#alive[slot]) {
      this.#alive[slot] = 0;
      this.#count--;
    }
  }

  /** A copy of the slot's (normalised) row, or null when the slot holds none. */
  row(slot: number): Float32Array | null {
    if (slot >= this.#capacity || !this.#alive[slot]) return null;
    return this.#rows.slice(slot * this.dimensions, (slot + 1) * this.dimensions);
  }

  search(query: Float32Array, limit: number): ScoredSlot[] {
    const q = Float32Array.from(query);
    normalize(q);
    const dims = this.dimensions;
    const rows = this.#rows;
    // A sorted top list, kept small: cheaper than sorting every score for the few asked for.
    const top: ScoredSlot[] = [];
    for (let slot = 0; slot < this.#capacity; slot++) {
      if (!this.#alive[slot]) continue;
      const dot = dotAt(rows, slot * dims, q, dims);
      if (top.length < limit || dot > top[top.length - 1]!.score) {
        let at = top.length;
        while (at > 0 && top[at - 1]!.score < dot) at--;
        top.splice(at, 0, { slot, score: dot });
        if (top.length > limit) top.pop();
      }
    }
    return top;
  }

  #grow(needed: number): void {
    if (needed <= this.#capacity) return;
    let capacity = this.#capacity;
    while (capacity < needed) capacity *= 2;
    const rows = new Float32Array(capacity * this.dimensions);
    rows.set(this.#rows);
    const alive = new Uint8Array(capacity);
    alive.set(this.#alive);
    this.#rows = rows;
    this.#alive = alive;
    this.#capacity = capacity;
  }
}

/** Four running sums: the scan's inner loop, about twice as fast in V8 as one sum. */
function dotAt(rows: Float32Array, base: number, q: Float32Array, dims: number): number {
  let a = 0;
  let b = 0;
  let c = 0;
  let e = 0;
  let d = 0;
  for (; d + 3 < dims; d += 4) {
    a += rows[base + d]! * q[d]!;
    b += rows[base + d + 1]! * q[d + 1]!;
    c += rows[base + d + 2]! * q[d + 2]!;
    e += rows[base + d + 3]! * q[d + 3]!;
  }
  for (; d < dims; d++) a += rows[base + d]! * q[d]!;
  return a + b + c + e;
}

export function normalize(vector: Float32Array): void {
  let sum = 0;
  for (const value of vector) sum += value * value;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
}

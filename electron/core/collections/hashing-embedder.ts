import { tokenize } from "./bm25.js";
import type { Embedder } from "./embedder.js";

/** Words too common to say what a passage is about. */
const STOP_WORDS = new Set(
  "a an and are as at be by do does for from has have how i in is it its of on or that the this to was what when where which who why will with you".split(" "),
);

/**
 * A deterministic embedder for tests and for the pipeline without a model: each word (and each
 * pair of neighbouring words) is hashed into one of `dimensions` buckets with a sign, weighted
 * 1 + ln(count) so a passage's repeated words do not drown its rare ones. Passages that share
 * words point the same way, so retrieval can be tested; it knows no synonyms.
 */
export class HashingEmbedder implements Embedder {
  readonly id: string;

  constructor(readonly dimensions = 512) {
    this.id = `hashing-${dimensions}`;
  }

  embed(texts: string[]): Promise<Float32Array[]> {
    return Promise.resolve(texts.map((text) => this.#embedOne(text)));
  }

  #embedOne(text: string): Float32Array {
    const features = new Map<string, number>();
    const count = (feature: string, weight: number) => features.set(feature, (features.get(feature) ?? 0) + weight);
    const words = tokenize(text).filter((word) => !STOP_WORDS.has(word));
    words.forEach((word, i) => {
      count(word, 1);
      if (i > 0) count(`${words[i - 1]} ${word}`, 0.5);
    });
    const vector = new Float32Array(this.dimensions);
    for (const [feature, total] of features) {
      const hash = fnv1a(feature);
      const weight = 1 + Math.log(total);
      vector[hash % this.dimensions]! += hash & 0x80000000 ? -weight : weight;
    }
    return vector;
  }
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Okapi BM25 over passages held in numbered slots. Small and our own: the only lexical libraries
 * in reach (none in node_modules) would hold a second copy of every passage, and this one lets a
 * re-indexed file's passages leave the index without rebuilding it.
 */
const K1 = 1.2;
const B = 0.75;

/** Lower-cased words and numbers; identifiers also give their camelCase and snake_case parts. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const match of text.matchAll(/[\p{L}\p{N}_]+/gu)) {
    const word = match[0];
    tokens.push(word.toLowerCase());
    const parts = word.split(/_|(?<=[\p{Ll}\p{N}])(?=\p{Lu})/u).filter((part) => part.length > 1);
    if (parts.length > 1) for (const part of parts) tokens.push(part.toLowerCase());
  }
  return tokens;
}

export interface ScoredSlot {
  slot: number;
  score: number;
}

export class Bm25Index {
  readonly #postings = new Map<string, Map<number, number>>();
  readonly #lengths = new Map<number, number>();
  readonly #terms = new Map<number, string[]>();
  #totalLength = 0;
  #maxSlot = -1;

  get size(): number {
    return this.#lengths.size;
  }

  add(slot: number, text: string): void {
    const tokens = tokenize(text);
    const counts = new Map<string, number>();
    for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
    for (const [term, count] of counts) {
      let posting = this.#postings.get(term);
      if (!posting) this.#postings.set(term, (posting = new Map()));
      posting.set(slot, count);
    }
    this.#lengths.set(slot, tokens.length);
    this.#terms.set(slot, [...counts.keys()]);
    this.#totalLength += tokens.length;
    this.#maxSlot = Math.max(this.#maxSlot, slot);
  }

  remove(slot: number): void {
    const terms = this.#terms.get(slot);
    if (!terms) return;
    for (const term of terms) {
      const posting = this.#postings.get(term);
      posting?.delete(slot);
      if (posting?.size === 0) this.#postings.delete(term);
    }
    this.#totalLength -= this.#lengths.get(slot) ?? 0;
    this.#lengths.delete(slot);
    this.#terms.delete(slot);
  }

  search(query: string, limit: number): ScoredSlot[] {
    const n = this.#lengths.size;
    if (n === 0) return [];
    const averageLength = this.#totalLength / n || 1;
    // Scores in a flat array by slot, and a top list kept small: no map or sort over every match.
    const scores = new Float64Array(this.#maxSlot + 1);
    const touched: number[] = [];
    for (const term of new Set(tokenize(query))) {
      const posting = this.#postings.get(term);
      if (!posting) continue;
      const idf = Math.log(1 + (n - posting.size + 0.5) / (posting.size + 0.5));
      for (const [slot, tf] of posting) {
        const length = this.#lengths.get(slot) ?? 0;
        if (scores[slot] === 0) touched.push(slot);
        scores[slot]! += (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * length) / averageLength));
      }
    }
    const top: ScoredSlot[] = [];
    for (const slot of touched) {
      const score = scores[slot]!;
      if (top.length >= limit && score <= top[top.length - 1]!.score) continue;
      let at = top.length;
      while (at > 0 && (top[at - 1]!.score < score || (top[at - 1]!.score === score && top[at - 1]!.slot > slot))) at--;
      top.splice(at, 0, { slot, score });
      if (top.length > limit) top.pop();
    }
    return top;
  }
}

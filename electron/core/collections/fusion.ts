import type { ScoredSlot } from "./bm25.js";

/** The constant from Cormack et al. (2009): ranks below ~60 matter little, whichever list they are in. */
export const RRF_K = 60;

export interface FusedSlot {
  slot: number;
  score: number;
  /** 1-based rank in each list the slot was in. */
  lexicalRank?: number;
  denseRank?: number;
}

/** Reciprocal rank fusion: each list votes 1 / (k + rank); no score scales to reconcile. */
export function reciprocalRankFusion(lexical: ScoredSlot[], dense: ScoredSlot[], limit: number): FusedSlot[] {
  const fused = new Map<number, FusedSlot>();
  const vote = (list: ScoredSlot[], key: "lexicalRank" | "denseRank") =>
    list.forEach(({ slot }, index) => {
      const entry = fused.get(slot) ?? { slot, score: 0 };
      entry.score += 1 / (RRF_K + index + 1);
      entry[key] = index + 1;
      fused.set(slot, entry);
    });
  vote(lexical, "lexicalRank");
  vote(dense, "denseRank");
  return [...fused.values()].sort((a, b) => b.score - a.score || a.slot - b.slot).slice(0, limit);
}

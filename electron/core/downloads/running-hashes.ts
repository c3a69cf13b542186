import { createHash, type Hash } from "node:crypto";

/** A part file's sha256, fed as bytes arrive, and how many bytes of the part it covers. */
export interface RunningHash {
  hash: Hash;
  upTo: number;
}

/**
 * The running sha256 of each part file, kept between attempts so a resumed transfer goes on
 * hashing where the last one stopped. Memory only: after a restart verification reads the file back.
 */
export class RunningHashes {
  private readonly byPart = new Map<string, RunningHash>();

  /**
   * The hash to feed a transfer that starts at `offset`: a fresh one from byte zero, the kept one
   * when it covers exactly the bytes before `offset`, else none (verification reads the file back).
   */
  forTransfer(part: string, offset: number): RunningHash | undefined {
    const kept = this.byPart.get(part);
    if (offset !== 0 && kept?.upTo === offset) return kept;
    this.byPart.delete(part);
    if (offset !== 0) return undefined;
    const fresh = { hash: createHash("sha256"), upTo: 0 };
    this.byPart.set(part, fresh);
    return fresh;
  }

  /** The part's digest when its hash covers all `size` bytes; the hash is used up either way. */
  finish(part: string, size: number): string | undefined {
    const kept = this.byPart.get(part);
    this.byPart.delete(part);
    return kept && kept.upTo === size ? kept.hash.digest("hex") : undefined;
  }

  /** Forgets the part's hash (only if it is still `which`, when given). */
  drop(part: string, which?: RunningHash): void {
    if (which === undefined || this.byPart.get(part) === which) this.byPart.delete(part);
  }

  clear(): void {
    this.byPart.clear();
  }
}

import { Bm25Index } from "./bm25.js";
import type { Embedder } from "./embedder.js";
import { reciprocalRankFusion } from "./fusion.js";
import { IndexLog } from "./index-log.js";
import { decodeVectors, encodeVectors, type FileRecord, type IndexRecord } from "./index-records.js";
import type { Chunk } from "./chunker.js";
import { FlatVectorStore } from "./vector-store.js";

/** What the manifest knows of an indexed file: enough to tell, without reading it, that it is unchanged. */
export interface ManifestEntry {
  mtimeMs: number;
  size: number;
  hash: string;
}

export interface Passage extends Chunk {
  file: string;
  display: string;
}

export interface RetrievedPassage extends Passage {
  score: number;
  lexicalRank?: number;
  denseRank?: number;
}

export interface QueryResult {
  /** "lexical" when no embedding model is at hand: the answer says so rather than pretending. */
  mode: "hybrid" | "lexical";
  passages: RetrievedPassage[];
}

interface IndexedFile extends ManifestEntry {
  display: string;
  slots: number[];
}

/** How many of each list are fused: enough that a passage ranked well by one list still surfaces. */
const CANDIDATES_PER_LIST = 50;

/**
 * One collection's index, opened: the log on disk replayed into memory (the manifest, BM25 and the
 * flat vector store), changed only through appends, so what is in memory is always what a restart
 * would rebuild.
 */
export class CollectionIndex {
  readonly #files = new Map<string, IndexedFile>();
  readonly #passages: (Passage | undefined)[] = [];
  readonly #lexical = new Bm25Index();
  readonly #vectors: FlatVectorStore | null;

  private constructor(
    readonly log: IndexLog,
    readonly embedder: Embedder | null,
    /** What opening found and repaired, for a notice. */
    readonly repairs: { damagedLines: number; reEmbedded: boolean },
  ) {
    this.#vectors = embedder ? new FlatVectorStore(embedder.dimensions) : null;
  }

  static async open(file: string, embedder: Embedder | null): Promise<CollectionIndex> {
    const log = new IndexLog(file);
    const read = await log.read();
    const meta = read.records.find((r) => r.k === "meta");
    const sameEmbedder = !meta || (meta.embedder === (embedder?.id ?? null) && meta.dimensions === (embedder?.dimensions ?? 0));
    const index = new CollectionIndex(log, embedder, { damagedLines: read.damagedLines, reEmbedded: !sameEmbedder && read.records.length > 1 });
    // Vectors from another embedder cannot be compared with this one's: the files are indexed again.
    if (sameEmbedder) for (const record of read.records) index.#replay(record);
    const live = index.#files.size;
    if (!meta || !sameEmbedder || read.damagedLines > 0 || read.totalLines > 2 * live + 64) await index.compact();
    return index;
  }

  get fileCount(): number {
    return this.#files.size;
  }

  get passageCount(): number {
    return this.#lexical.size;
  }

  manifest(): Map<string, ManifestEntry> {
    return new Map([...this.#files].map(([file, { mtimeMs, size, hash }]) => [file, { mtimeMs, size, hash }]));
  }

  /** The passages of one file, in order: what a citation opens. */
  passagesOf(file: string): Passage[] {
    return (this.#files.get(file)?.slots ?? []).map((slot) => this.#passages[slot]!);
  }

  async putFile(file: Omit<FileRecord, "k" | "vectors">, vectors: Float32Array[] | null): Promise<void> {
    const record: FileRecord = { k: "file", ...file, ...(vectors ? { vectors: encodeVectors(vectors) } : {}) };
    await this.log.append(record);
    this.#replay(record);
  }

  async touch(file: string, mtimeMs: number, size: number): Promise<void> {
    const record: IndexRecord = { k: "touch", path: file, mtimeMs, size };
    await this.log.append(record);
    this.#replay(record);
  }

  async removeFile(file: string): Promise<void> {
    if (!this.#files.has(file)) return;
    const record: IndexRecord = { k: "gone", path: file };
    await this.log.append(record);
    this.#replay(record);
  }

  sync(): Promise<void> {
    return this.log.sync();
  }

  close(): Promise<void> {
    return this.log.close();
  }

  /** Rewrites the log with only what is live: the meta record, then one record per file. */
  async compact(): Promise<void> {
    const meta: IndexRecord = { k: "meta", embedder: this.embedder?.id ?? null, dimensions: this.embedder?.dimensions ?? 0 };
    const files = [...this.#files].map(([file, known]) => this.#recordOf(file, known));
    await this.log.rewrite([meta, ...files]);
  }

  async query(question: string, limit: number, signal?: AbortSignal): Promise<QueryResult> {
    const lexical = this.#lexical.search(question, CANDIDATES_PER_LIST);
    let dense: { slot: number; score: number }[] = [];
    if (this.embedder && this.#vectors) {
      const [vector] = await this.embedder.embed([question], signal);
      if (vector) dense = this.#vectors.search(vector, CANDIDATES_PER_LIST);
    }
    const fused = reciprocalRankFusion(lexical, dense, limit);
    return {
      mode: this.embedder ? "hybrid" : "lexical",
      passages: fused.map(({ slot, score, lexicalRank, denseRank }) => ({
        ...this.#passages[slot]!,
        score,
        ...(lexicalRank ? { lexicalRank } : {}),
        ...(denseRank ? { denseRank } : {}),
      })),
    };
  }

  #replay(record: IndexRecord): void {
    if (record.k === "meta") return;
    if (record.k === "touch") {
      const known = this.#files.get(record.path);
      if (known) Object.assign(known, { mtimeMs: record.mtimeMs, size: record.size });
      return;
    }
    this.#drop(record.path);
    if (record.k === "gone") return;
    const vectors = record.vectors && this.embedder ? decodeVectors(record.vectors, this.embedder.dimensions) : [];
    const slots = record.chunks.map((chunk, i) => {
      const slot = this.#passages.length;
      this.#passages.push({ ...chunk, file: record.path, display: record.display });
      this.#lexical.add(slot, chunk.heading ? `${chunk.heading}\n${chunk.text}` : chunk.text);
      const vector = vectors[i];
      if (vector && this.#vectors) this.#vectors.set(slot, vector);
      return slot;
    });
    // Only the slots are kept: compaction rebuilds the record from the passages and the store's rows.
    this.#files.set(record.path, { display: record.display, slots, mtimeMs: record.mtimeMs, size: record.size, hash: record.hash });
  }

  #recordOf(file: string, known: IndexedFile): FileRecord {
    const chunks = known.slots.map((slot) => {
      const { startLine, endLine, heading, text } = this.#passages[slot]!;
      return { startLine, endLine, ...(heading ? { heading } : {}), text };
    });
    const rows = this.#vectors ? known.slots.map((slot) => this.#vectors!.row(slot)) : [];
    const vectors = rows.length > 0 && rows.every((row) => row !== null) ? { vectors: encodeVectors(rows) } : {};
    return { k: "file", path: file, display: known.display, mtimeMs: known.mtimeMs, size: known.size, hash: known.hash, chunks, ...vectors };
  }

  #drop(file: string): void {
    const known = this.#files.get(file);
    if (!known) return;
    for (const slot of known.slots) {
      this.#passages[slot] = undefined;
      this.#lexical.remove(slot);
      this.#vectors?.remove(slot);
    }
    this.#files.delete(file);
  }
}

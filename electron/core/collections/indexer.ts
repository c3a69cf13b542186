import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { chunkFile } from "./chunker.js";
import type { CollectionIndex } from "./collection-index.js";
import { scanSources, type ScannedFile, type SkippedFile } from "./scanner.js";

export interface IndexProgress {
  phase: "scanning" | "indexing";
  /** Files looked at so far out of those that changed (0 of 0 while scanning). */
  done: number;
  total: number;
  /** The file being read, as a person would name it. */
  current?: string;
}

export interface IndexSummary {
  files: number;
  passages: number;
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  skipped: SkippedFile[];
  ignoredCount: number;
}

/** Files between fsyncs: a kill loses at most these, and the next start indexes them again. */
const SYNC_EVERY_FILES = 50;

/**
 * Brings a collection's index up to date with its sources: scans, drops what is gone, and reads,
 * chunks and embeds only what changed since the manifest (mtime and size first, the content hash
 * when they differ). Each file is appended whole, so stopping (pause, cancel, a kill) at any point
 * leaves an index the next run resumes from.
 */
export async function updateIndex(
  index: CollectionIndex,
  sources: readonly string[],
  options: { signal?: AbortSignal; onProgress?: (progress: IndexProgress) => void } = {},
): Promise<IndexSummary> {
  const { signal, onProgress } = options;
  onProgress?.({ phase: "scanning", done: 0, total: 0 });
  const scan = await scanSources(sources, signal);
  const manifest = index.manifest();
  const present = new Set(scan.files.map((f) => f.path));
  let removed = 0;
  for (const file of manifest.keys()) {
    if (present.has(file)) continue;
    await index.removeFile(file);
    removed++;
  }
  const changed = scan.files.filter((file) => {
    const known = manifest.get(file.path);
    return !known || known.mtimeMs !== file.mtimeMs || known.size !== file.size;
  });
  let added = 0;
  let updated = 0;
  try {
    for (const [done, file] of changed.entries()) {
      onProgress?.({ phase: "indexing", done, total: changed.length, current: file.display });
      signal?.throwIfAborted();
      const known = manifest.get(file.path);
      const outcome = await indexFile(index, file, known?.hash, signal);
      if (outcome === "added" && known) updated++;
      else if (outcome === "added") added++;
      if ((done + 1) % SYNC_EVERY_FILES === 0) await index.sync();
    }
    onProgress?.({ phase: "indexing", done: changed.length, total: changed.length });
  } finally {
    await index.sync();
  }
  return {
    files: index.fileCount,
    passages: index.passageCount,
    added,
    updated,
    removed,
    unchanged: scan.files.length - changed.length,
    skipped: scan.skipped,
    ignoredCount: scan.ignoredCount,
  };
}

async function indexFile(
  index: CollectionIndex,
  file: ScannedFile,
  knownHash: string | undefined,
  signal?: AbortSignal,
): Promise<"added" | "touched" | "gone"> {
  const bytes = await readFile(file.path).catch(() => null);
  if (!bytes) {
    await index.removeFile(file.path);
    return "gone";
  }
  const hash = createHash("sha256").update(bytes).digest("hex");
  if (hash === knownHash) {
    await index.touch(file.path, file.mtimeMs, file.size);
    return "touched";
  }
  const chunks = chunkFile(file.display, bytes.toString("utf8"));
  const vectors = index.embedder && chunks.length > 0 ? await index.embedder.embed(chunks.map(embeddingText), signal) : null;
  // The size and time recorded are those the scan saw: a file changed while being read is read again next time.
  await index.putFile({ path: file.path, display: file.display, mtimeMs: file.mtimeMs, size: file.size, hash, chunks }, vectors);
  return "added";
}

/** The heading travels with the passage into its vector, as it does into the lexical index. */
function embeddingText(chunk: { heading?: string; text: string }): string {
  return chunk.heading ? `${chunk.heading}\n${chunk.text}` : chunk.text;
}

import { crc32 } from "node:zlib";
import { z } from "zod";

/**
 * A collection's index is one append-only log of these records, one per line: 8 hex digits of
 * CRC-32 over the JSON, then the JSON. A file's record is whole (its passages and their vectors),
 * so a kill between two records loses at most the file being written, and a torn line is dropped.
 */

const ChunkRecord = z.object({
  startLine: z.number().int().positive(),
  endLine: z.number().int().positive(),
  heading: z.string().optional(),
  text: z.string(),
});

/** Which embedder wrote the vectors that follow; a log by another embedder is re-embedded. */
const MetaRecord = z.object({ k: z.literal("meta"), embedder: z.string().nullable(), dimensions: z.number().int().nonnegative() });

/** A file indexed: the manifest facts (path, mtime, size, hash) and its passages with their vectors. */
const FileRecord = z.object({
  k: z.literal("file"),
  path: z.string().min(1),
  display: z.string(),
  mtimeMs: z.number(),
  size: z.number().int().nonnegative(),
  hash: z.string(),
  chunks: z.array(ChunkRecord),
  /** Little-endian Float32 rows, one per chunk, base64; absent without an embedder. */
  vectors: z.string().optional(),
});

/** A file whose time changed but whose content hash did not: nothing to re-embed. */
const TouchRecord = z.object({ k: z.literal("touch"), path: z.string().min(1), mtimeMs: z.number(), size: z.number().int().nonnegative() });

/** A file deleted, ignored or no longer in the collection: its passages go. */
const GoneRecord = z.object({ k: z.literal("gone"), path: z.string().min(1) });

export const IndexRecord = z.discriminatedUnion("k", [MetaRecord, FileRecord, TouchRecord, GoneRecord]);
export type IndexRecord = z.infer<typeof IndexRecord>;
export type FileRecord = z.infer<typeof FileRecord>;

export function encodeIndexRecord(record: IndexRecord): string {
  const json = JSON.stringify(record);
  return `${checksum(json)}${json}\n`;
}

export function decodeIndexRecord(line: string): IndexRecord | null {
  if (line.length < 9 || checksum(line.slice(8)) !== line.slice(0, 8)) return null;
  try {
    const parsed = IndexRecord.safeParse(JSON.parse(line.slice(8)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function checksum(json: string): string {
  return crc32(Buffer.from(json, "utf8")).toString(16).padStart(8, "0");
}

export function encodeVectors(vectors: Float32Array[]): string {
  const joined = new Float32Array(vectors.reduce((sum, v) => sum + v.length, 0));
  let at = 0;
  for (const vector of vectors) {
    joined.set(vector, at);
    at += vector.length;
  }
  return Buffer.from(joined.buffer, joined.byteOffset, joined.byteLength).toString("base64");
}

export function decodeVectors(base64: string, dimensions: number): Float32Array[] {
  const bytes = Buffer.from(base64, "base64");
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const rows: Float32Array[] = [];
  for (let at = 0; at + dimensions <= all.length && dimensions > 0; at += dimensions) rows.push(all.subarray(at, at + dimensions));
  return rows;
}

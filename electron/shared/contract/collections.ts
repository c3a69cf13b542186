import { z } from "zod";
import { call, JobId } from "./define.js";

// Collections: named sets of folders and files, indexed in the data folder and asked in chat.

export const CollectionId = z.string().min(1).max(64);

/** A folder or file on this machine: absolute, as the person picked it. */
const SourcePath = z.string().min(1).max(4096);

export const SkippedFile = z.object({
  display: z.string(),
  /** Why it was not read: a secret-looking name, binary content, a link out of the folder, … */
  reason: z.enum(["secret", "binary", "outside-link", "too-large", "unreadable"]),
});
export type SkippedFile = z.infer<typeof SkippedFile>;

export const IndexSummary = z.object({
  files: z.number().int().nonnegative(),
  passages: z.number().int().nonnegative(),
  added: z.number().int().nonnegative(),
  updated: z.number().int().nonnegative(),
  removed: z.number().int().nonnegative(),
  unchanged: z.number().int().nonnegative(),
  skipped: z.array(SkippedFile),
  ignoredCount: z.number().int().nonnegative(),
});
export type IndexSummary = z.infer<typeof IndexSummary>;

export const Collection = z.object({
  id: CollectionId,
  name: z.string().min(1).max(200),
  sources: z.array(SourcePath),
  createdAt: z.number().int().nonnegative(),
  /** "paused": indexing was paused and is not resumed at start until asked. */
  state: z.enum(["idle", "indexing", "paused"]),
  files: z.number().int().nonnegative(),
  passages: z.number().int().nonnegative(),
  /** "lexical" when no embedding model is set: retrieval works by words alone and says so. */
  retrieval: z.enum(["hybrid", "lexical"]),
  lastIndexedAt: z.number().int().nonnegative().nullable(),
});
export type Collection = z.infer<typeof Collection>;

export const RetrievedPassage = z.object({
  collectionId: CollectionId,
  file: z.string(),
  /** The path relative to the folder it came from. */
  display: z.string(),
  startLine: z.number().int().positive(),
  endLine: z.number().int().positive(),
  heading: z.string().optional(),
  text: z.string(),
  score: z.number(),
});
export type RetrievedPassage = z.infer<typeof RetrievedPassage>;

export const CollectionQueryRequest = z.object({
  ids: z.array(CollectionId).min(1).max(16),
  question: z.string().min(1).max(20_000),
  limit: z.number().int().min(1).max(100).default(8),
});

export const CollectionQueryResult = z.object({
  mode: z.enum(["hybrid", "lexical"]),
  passages: z.array(RetrievedPassage),
});
export type CollectionQueryResult = z.infer<typeof CollectionQueryResult>;

const ById = z.object({ id: CollectionId });

export const collectionsCalls = {
  "collections.list": call(z.object({}), z.object({ collections: z.array(Collection) })),
  /** Creates the collection and starts indexing it as a job (progress: collections.progress). */
  "collections.create": call(
    z.object({ name: z.string().trim().min(1).max(200), sources: z.array(SourcePath).min(1).max(64) }),
    z.object({ collection: Collection, jobId: JobId }),
  ),
  /** Deletes the collection and its index; the files it was made from are never touched. */
  "collections.delete": call(ById, z.object({ removed: z.boolean() })),
  /** Re-scans and indexes what changed (also resumes a paused or interrupted index). */
  "collections.reindex": call(ById, z.object({ jobId: JobId })),
  /** Stops indexing after the file in hand; what was indexed is kept, and reindex carries on. */
  "collections.pause": call(ById, z.object({ paused: z.boolean() })),
  "collections.query": call(CollectionQueryRequest, CollectionQueryResult),
};

export const collectionsEvents = {
  "collections.changed": z.object({ collections: z.array(Collection) }),
  "collections.progress": z.object({
    jobId: JobId,
    collectionId: CollectionId,
    phase: z.enum(["scanning", "indexing"]),
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
    current: z.string().optional(),
  }),
  "collections.indexed": z.object({ jobId: JobId, collectionId: CollectionId, summary: IndexSummary }),
  "collections.indexStopped": z.object({
    jobId: JobId,
    collectionId: CollectionId,
    /** "paused" and "cancelled" keep what was indexed; "failed" says why in `message`. */
    reason: z.enum(["paused", "cancelled", "failed"]),
    message: z.string(),
  }),
} satisfies Record<string, z.ZodType>;

import { z } from "zod";
import { call } from "./define.js";

// Calls and events of the downloads capability (downloads and the local model library). See index.ts.

/** A catalog variant, or what a person pastes: an hf: URI, a Hugging Face URL, an http(s) URL. */
export const DownloadSource = z.union([
  z.object({ modelId: z.string().min(1).max(200), variantId: z.string().min(1).max(200) }),
  z.string().trim().min(1).max(4096),
]);
export type DownloadSource = z.infer<typeof DownloadSource>;

export const DownloadState = z.enum(["queued", "downloading", "paused", "retrying", "verifying", "done", "failed", "cancelled"]);
export type DownloadState = z.infer<typeof DownloadState>;

const DownloadId = z.string().min(1).max(64);

export const DownloadProgress = z.object({
  /** The download's id; also the jobId that `downloads.start` returned. */
  id: DownloadId,
  jobId: DownloadId,
  name: z.string(),
  state: DownloadState,
  bytesDone: z.number().nonnegative(),
  /** Unknown until the server has told the size. */
  bytesTotal: z.number().nonnegative().optional(),
  /** Smoothed speed; 0 when not transferring. */
  speedBytesPerSecond: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().optional(),
  /** While verifying: bytes of the current file hashed so far. */
  verifiedBytes: z.number().nonnegative().optional(),
  /** Multi-part models: which part is moving (0-based) out of how many. */
  fileIndex: z.number().int().nonnegative(),
  fileCount: z.number().int().positive(),
  /** While retrying: the attempt about to be made. */
  attempt: z.number().int().optional(),
  /** Why it failed, or what it is retrying after — written for a person. */
  reason: z.string().optional(),
  /** Things worth knowing that did not stop it ("server has no Range support: restarted from zero"). */
  notes: z.array(z.string()),
  /** The files on disk once done. */
  paths: z.array(z.string()).optional(),
  modelId: z.string().optional(),
  variantId: z.string().optional(),
});
export type DownloadProgress = z.infer<typeof DownloadProgress>;

export const LibraryModel = z.object({
  id: z.string(),
  name: z.string(),
  /** The file to load (the first part of a split model). */
  path: z.string(),
  files: z.array(z.string()),
  sizeBytes: z.number().nonnegative(),
  quantization: z.string().optional(),
  architecture: z.string().optional(),
  /** downloaded here, imported by copying, or used where another tool keeps it. */
  origin: z.enum(["download", "import-copy", "import-in-place"]),
  addedAt: z.number(),
  lastUsedAt: z.number().optional(),
  /** The file is no longer where it was (moved or deleted outside the app). */
  missing: z.boolean(),
  repo: z.string().optional(),
  modelId: z.string().optional(),
  variantId: z.string().optional(),
});
export type LibraryModel = z.infer<typeof LibraryModel>;

export const DiscoveredModel = z.object({
  path: z.string(),
  files: z.array(z.string()),
  name: z.string(),
  sizeBytes: z.number().nonnegative(),
  quantization: z.string().optional(),
  tool: z.enum(["lm-studio", "huggingface", "node-llama-cpp", "llama.cpp"]),
  inLibrary: z.boolean(),
});
export type DiscoveredModel = z.infer<typeof DiscoveredModel>;

/** A folder discovery looked in, whether or not it exists on this machine. */
export const SearchedFolder = z.object({ tool: DiscoveredModel.shape.tool, dir: z.string() });
export type SearchedFolder = z.infer<typeof SearchedFolder>;

const ById = z.object({ id: DownloadId });

export const downloadsCalls = {
  /** Queues a download; progress arrives as `downloads.progress` with the returned id. */
  "downloads.start": call(z.object({ source: DownloadSource }), z.object({ jobId: DownloadId, download: DownloadProgress })),
  "downloads.list": call(z.object({}), z.object({ downloads: z.array(DownloadProgress) })),
  "downloads.pause": call(ById, z.object({ download: DownloadProgress.optional() })),
  "downloads.resume": call(ById, z.object({ download: DownloadProgress.optional() })),
  /** Stops it and deletes its partial data. */
  "downloads.cancel": call(ById, z.object({ cancelled: z.boolean() })),
  "library.list": call(z.object({}), z.object({ models: z.array(LibraryModel) })),
  /** Removes a model; frees the disk for files the app owns (downloaded or copied), never another tool's. */
  "library.delete": call(ById, z.object({ removed: z.boolean(), filesDeleted: z.boolean(), freedBytes: z.number().nonnegative() })),
  /** Adds a local GGUF after validating it: used where it is, or copied into the models folder. */
  "library.import": call(
    z.object({ path: z.string().min(1).max(4096), mode: z.enum(["in-place", "copy"]).default("in-place") }),
    z.object({ model: LibraryModel }),
  ),
  /** GGUF files other tools downloaded (LM Studio, the Hugging Face cache, node-llama-cpp, llama.cpp), and the folders looked in. */
  "library.discover": call(z.object({}), z.object({ found: z.array(DiscoveredModel), searched: z.array(SearchedFolder) })),
} satisfies Record<string, ReturnType<typeof call>>;

export const downloadsEvents = {
  "downloads.progress": DownloadProgress,
  "library.changed": z.object({ models: z.array(LibraryModel) }),
} satisfies Record<string, z.ZodType>;

import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";

export const DOWNLOAD_STATES = ["queued", "downloading", "paused", "retrying", "verifying", "done", "failed", "cancelled"] as const;
export type DownloadState = (typeof DOWNLOAD_STATES)[number];

const DownloadFileRecord = z.object({
  url: z.string(),
  fileName: z.string(),
  sha256: z.string().optional(),
  /** Where the expected sha256 came from: the hub's headers, its tree API, or a catalog pin. */
  sha256Source: z.enum(["hub", "tree", "pinned"]).optional(),
  size: z.number().optional(),
  done: z.boolean(),
});
export type DownloadFileRecord = z.infer<typeof DownloadFileRecord>;

export const DownloadRecord = z.object({
  id: z.string(),
  name: z.string(),
  source: z.string(),
  state: z.enum(DOWNLOAD_STATES),
  reason: z.string().optional(),
  notes: z.array(z.string()),
  destinationDir: z.string(),
  files: z.array(DownloadFileRecord),
  repo: z.string().optional(),
  quantization: z.string().optional(),
  modelId: z.string().optional(),
  variantId: z.string().optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type DownloadRecord = z.infer<typeof DownloadRecord>;

const StateFile = z.object({ version: z.literal(1), downloads: z.array(DownloadRecord) });

/** The downloads list on disk, written atomically (temp file + rename) one write at a time. */
export class DownloadStateFile {
  private chain: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  async load(): Promise<DownloadRecord[]> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch {
      return [];
    }
    try {
      return StateFile.parse(JSON.parse(text)).downloads;
    } catch {
      // A damaged state file must not stop the app; keep it aside for inspection.
      await rename(this.path, `${this.path}.damaged-${Date.now()}`).catch(() => undefined);
      return [];
    }
  }

  save(records: DownloadRecord[]): Promise<void> {
    const text = JSON.stringify({ version: 1, downloads: records }, null, 1);
    this.chain = this.chain.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      // A unique temp name: two managers over one data dir (a restart overlap) never trip each other.
      const tmp = `${this.path}.${process.pid}-${randomUUID().slice(0, 8)}.tmp`;
      await writeFile(tmp, text);
      await rename(tmp, this.path);
    });
    return this.chain;
  }
}

import { z } from "zod";
import { DownloadState } from "../../shared/contract/downloads.js";
import { JsonStateFile, type OnDamaged } from "../kernel/state-file.js";

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
  state: DownloadState,
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

const DownloadsFile = z.object({ version: z.literal(1), downloads: z.array(DownloadRecord) });

/** The downloads list on disk (replaced atomically and durably, one write at a time). */
export class DownloadStateFile {
  private readonly file: JsonStateFile<z.infer<typeof DownloadsFile>>;

  constructor(
    readonly path: string,
    onDamaged?: OnDamaged,
  ) {
    this.file = new JsonStateFile(path, DownloadsFile, { onDamaged });
  }

  /** The saved records; none when there is no file yet or it is damaged (set aside by JsonStateFile). */
  async load(): Promise<DownloadRecord[]> {
    try {
      return (await this.file.read()).value?.downloads ?? [];
    } catch {
      // An unreadable state file must not stop the app either: start with no downloads.
      return [];
    }
  }

  save(records: DownloadRecord[]): Promise<void> {
    return this.file.write({ version: 1, downloads: records });
  }
}

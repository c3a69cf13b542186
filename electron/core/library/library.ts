import { randomUUID } from "node:crypto";
import { copyFile, mkdir, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { z } from "zod";
import type { LibraryModel } from "../../shared/contract/downloads.js";
import { quantizationFromName, splitPartNames, wholeModelName } from "../gguf/split-names.js";
import { AppError } from "../kernel/errors.js";
import { isInside } from "../kernel/safe-path.js";
import { JsonStateFile } from "../kernel/state-file.js";

/** What the GGUF validator says about a file (electron/core/gguf/validate.ts). */
export type GgufCheck = { ok: true; architecture?: string; quantization?: string } | { ok: false; reason: string };
export type GgufValidator = (path: string) => Promise<GgufCheck>;

const Entry = z.object({
  id: z.string(),
  name: z.string(),
  path: z.string(),
  files: z.array(z.string()),
  sizeBytes: z.number(),
  quantization: z.string().optional(),
  architecture: z.string().optional(),
  origin: z.enum(["download", "import-copy", "import-in-place"]),
  addedAt: z.number(),
  lastUsedAt: z.number().optional(),
  repo: z.string().optional(),
  modelId: z.string().optional(),
  variantId: z.string().optional(),
});
type Entry = z.infer<typeof Entry>;
const LibraryFile = z.object({ version: z.literal(1), models: z.array(Entry) });
type LibraryFile = z.infer<typeof LibraryFile>;

export interface LibraryOptions {
  /** library.json in the data dir. */
  file: string;
  /** Where copies go (the models folder). */
  modelsDir: () => string;
  validate: GgufValidator;
}

/**
 * The models on this machine the app knows about: downloaded, copied in, or used in place.
 * Only files the app put there (downloads, copies) are ever deleted from disk.
 */
export class ModelLibrary {
  private entries: Entry[] = [];
  private readonly listeners = new Set<(models: LibraryModel[]) => void>();
  readonly #file: JsonStateFile<LibraryFile>;

  constructor(private readonly options: LibraryOptions) {
    this.#file = new JsonStateFile(options.file, LibraryFile);
  }

  /** Reads library.json; a damaged one is set aside (named in the returned notice) and the library starts empty. */
  async init(): Promise<{ notice?: string }> {
    const { value, damaged } = await this.#file.read();
    this.entries = value?.models ?? [];
    return damaged
      ? {
          notice: `The model library list was damaged (${damaged.problem}); it was saved as ${basename(damaged.backup)} and the list starts empty. Your model files were not touched.`,
        }
      : {};
  }

  onChange(listener: (models: LibraryModel[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async list(): Promise<LibraryModel[]> {
    return Promise.all(this.entries.map(async (e) => ({ ...e, missing: !(await exists(e.path)) })));
  }

  has(path: string): boolean {
    const target = resolve(path);
    return this.entries.some((e) => e.files.some((f) => resolve(f) === target));
  }

  /** Records a finished download (its files are verified and renamed already). */
  async addDownloaded(info: {
    name: string;
    files: string[];
    quantization?: string;
    repo?: string;
    modelId?: string;
    variantId?: string;
  }): Promise<LibraryModel> {
    this.entries = this.entries.filter((e) => resolve(e.path) !== resolve(info.files[0]!));
    const entry: Entry = {
      id: `m-${randomUUID().slice(0, 8)}`,
      name: info.name,
      path: info.files[0]!,
      files: info.files,
      sizeBytes: await totalSize(info.files),
      quantization: info.quantization ?? quantizationFromName(basename(info.files[0]!)),
      origin: "download",
      addedAt: Date.now(),
      repo: info.repo,
      modelId: info.modelId,
      variantId: info.variantId,
    };
    this.entries.push(entry);
    await this.save();
    return { ...entry, missing: false };
  }

  /** Adds a local GGUF file after validating every part; refuses with the validator's reason. */
  async import(path: string, mode: "in-place" | "copy"): Promise<LibraryModel> {
    const source = resolve(path);
    const info = await stat(source).catch(() => undefined);
    if (!info) throw new AppError("bad-request", `No file at ${source}.`);
    if (!info.isFile()) throw new AppError("bad-request", `${source} is a folder, not a GGUF file.`);
    const names = splitPartNames(basename(source));
    const files = names.map((n) => join(dirname(source), n));
    for (const file of files) {
      if (!(await exists(file)))
        throw new AppError("bad-request", `${basename(source)} is one part of a split model, and the part ${basename(file)} is missing next to it.`);
    }
    // The validator checks a split model as a whole, given its first part.
    const first = await this.options.validate(files[0]!);
    if (!first.ok) throw new AppError("bad-request", `${basename(source)} cannot be used: ${first.reason}`);
    if (this.has(files[0]!)) throw new AppError("bad-request", `${basename(source)} is already in the library.`);

    let stored = files;
    if (mode === "copy") {
      const target = join(this.options.modelsDir(), "imported");
      await mkdir(target, { recursive: true });
      stored = files.map((f) => join(target, basename(f)));
      for (const [i, file] of files.entries()) {
        if (await exists(stored[i]!)) throw new AppError("bad-request", `${stored[i]} already exists in the models folder.`);
        // Copy under a temporary name so a half-copied file never looks like a model.
        await copyFile(file, `${stored[i]}.part`);
        await rename(`${stored[i]}.part`, stored[i]!);
      }
    }
    const entry: Entry = {
      id: `m-${randomUUID().slice(0, 8)}`,
      name: wholeModelName(basename(source)),
      path: stored[0]!,
      files: stored,
      sizeBytes: await totalSize(stored),
      quantization: first.quantization ?? quantizationFromName(basename(source)),
      architecture: first.architecture,
      origin: mode === "copy" ? "import-copy" : "import-in-place",
      addedAt: Date.now(),
    };
    this.entries.push(entry);
    await this.save();
    return { ...entry, missing: false };
  }

  /** Forgets a model; deletes its files only when the app owns them. */
  async delete(id: string): Promise<{ removed: boolean; filesDeleted: boolean; freedBytes: number }> {
    const entry = this.entries.find((e) => e.id === id);
    if (!entry) return { removed: false, filesDeleted: false, freedBytes: 0 };
    let freedBytes = 0;
    // The app deletes only files it put into the models folder: an entry whose paths point elsewhere
    // (a library.json edited or damaged outside the app, or an older models folder) is only forgotten.
    const modelsDir = this.options.modelsDir();
    const owned = entry.origin !== "import-in-place" && entry.files.every((f) => isInside(modelsDir, f));
    if (owned) {
      for (const file of entry.files) {
        const size = (await stat(file).catch(() => undefined))?.size ?? 0;
        try {
          await unlink(file);
          freedBytes += size;
        } catch (err) {
          if ((err as { code?: string }).code !== "ENOENT") throw new AppError("failed", `Could not delete ${file}: ${(err as Error).message}`);
        }
      }
    }
    this.entries = this.entries.filter((e) => e !== entry);
    await this.save();
    return { removed: true, filesDeleted: owned, freedBytes };
  }

  /** Marks a model as used now (the engine calls this when it loads a file). */
  async touch(path: string): Promise<void> {
    const target = resolve(path);
    const entry = this.entries.find((e) => resolve(e.path) === target);
    if (!entry) return;
    entry.lastUsedAt = Date.now();
    await this.save();
  }

  private async save(): Promise<void> {
    await this.#file.write({ version: 1, models: this.entries });
    const models = await this.list();
    for (const listener of this.listeners) listener(models);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function totalSize(files: string[]): Promise<number> {
  let total = 0;
  for (const f of files) total += (await stat(f).catch(() => undefined))?.size ?? 0;
  return total;
}

import { createHash } from "node:crypto";
import type { Stats } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { resolve, sep } from "node:path";
import { fileDigests } from "./hashes.js";

/** A tree API entry, shaped as the hub's /api/models/<repo>/tree answer. */
export interface TreeEntry {
  type: "file" | "directory";
  oid: string;
  size: number;
  path: string;
  lfs?: { oid: string; size: number; pointerSize: number };
}

const LFS_EXTENSIONS = [".gguf", ".bin", ".safetensors", ".pt", ".onnx"];
const LFS_MIN_SIZE = 10 * 1024 * 1024;

/** Whether the hub would keep this file in LFS (large, or a model-weights extension). */
export function isLfs(path: string, size: number): boolean {
  return size >= LFS_MIN_SIZE || LFS_EXTENSIONS.some((ext) => path.toLowerCase().endsWith(ext));
}

/** A stable fake commit id per repo, for x-repo-commit and the model info's sha. */
export function commitOf(repo: string): string {
  return createHash("sha1").update(`commit:${repo}`).digest("hex");
}

export async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}

/**
 * The folder the hub serves, laid out as `<owner>/<repo>/<path>`. Paths that leave the repo or
 * name a dot-file (.gated, .git) are never served.
 */
export class RepoFolder {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** The file's place on disk, or undefined when the path is not one the hub would serve. */
  path(repo: string, path = ""): string | undefined {
    const full = resolve(this.#dir, repo, path);
    const root = resolve(this.#dir, repo);
    if (full !== root && !full.startsWith(root + sep)) return undefined;
    if (path.split("/").some((p) => p.startsWith("."))) return undefined;
    return full;
  }

  async exists(repo: string): Promise<boolean> {
    const path = this.path(repo);
    if (!path || repo.split("/").some((p) => p.startsWith("."))) return false;
    return (await statOrNull(path))?.isDirectory() ?? false;
  }

  /** The entries under `sub` (a folder that exists), sorted by name, dot-files left out. */
  async tree(repo: string, sub: string, recursive: boolean): Promise<TreeEntry[]> {
    const out: TreeEntry[] = [];
    const walk = async (rel: string) => {
      const entries = await readdir(this.path(repo, rel)!, { withFileTypes: true });
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const entry of entries) {
        if (entry.name.startsWith(".")) continue;
        const path = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          out.push({ type: "directory", oid: createHash("sha1").update(`tree:${repo}/${path}`).digest("hex"), size: 0, path });
          if (recursive) await walk(path);
        } else if (entry.isFile()) {
          const digests = await fileDigests(this.path(repo, path)!);
          const lfs = isLfs(path, digests.size);
          out.push({
            type: "file",
            oid: digests.gitOid,
            size: digests.size,
            path,
            ...(lfs ? { lfs: { oid: digests.sha256, size: digests.size, pointerSize: 134 } } : {}),
          });
        }
      }
    };
    await walk(sub);
    return out;
  }
}

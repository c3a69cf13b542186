import { opendir, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import type { DiscoveredModel } from "../../shared/contract/downloads.js";
import { quantizationFromName, splitPartNames, wholeModelName } from "../gguf/split-names.js";

type Tool = DiscoveredModel["tool"];

/** Where other tools keep GGUF files, relative to the home folder (XDG caches included). */
export function knownModelFolders(home: string, env: Record<string, string | undefined> = {}): Array<{ tool: Tool; dir: string }> {
  const cache = env.XDG_CACHE_HOME || join(home, ".cache");
  const hfHome = env.HF_HOME || join(cache, "huggingface");
  return [
    { tool: "lm-studio", dir: join(home, ".lmstudio", "models") },
    { tool: "lm-studio", dir: join(cache, "lm-studio", "models") },
    { tool: "huggingface", dir: env.HF_HUB_CACHE || join(hfHome, "hub") },
    { tool: "node-llama-cpp", dir: join(home, ".node-llama-cpp", "models") },
    { tool: "llama.cpp", dir: env.LLAMA_CACHE || join(cache, "llama.cpp") },
  ];
}

const MAX_DEPTH = 6;

/**
 * Finds GGUF models other tools downloaded. Split models are reported once (by their first part),
 * the Hugging Face cache only through its snapshots (the blobs there have no names), and
 * unfinished downloads (.part, .downloadInProgress, .incomplete) are skipped.
 */
export async function discoverModels(
  home: string,
  isInLibrary: (path: string) => boolean,
  env: Record<string, string | undefined> = {},
): Promise<DiscoveredModel[]> {
  const found = new Map<string, DiscoveredModel>();
  for (const { tool, dir } of knownModelFolders(home, env)) {
    const files: string[] = [];
    await walk(dir, 0, tool === "huggingface", files);
    const names = new Set(files);
    for (const file of files) {
      const parts = splitPartNames(basename(file));
      if (parts.length > 1 && parts[0] !== basename(file)) continue; // reported with part 1
      const partPaths = parts.map((p) => join(file, "..", p));
      if (parts.length > 1 && !partPaths.every((p) => names.has(p))) continue; // incomplete split set
      let sizeBytes = 0;
      for (const p of partPaths) sizeBytes += (await stat(p).catch(() => undefined))?.size ?? 0;
      if (sizeBytes === 0 || found.has(file)) continue;
      found.set(file, {
        path: file,
        files: partPaths,
        name: wholeModelName(basename(file)),
        sizeBytes,
        quantization: quantizationFromName(basename(file)),
        tool,
        inLibrary: isInLibrary(file),
      });
    }
  }
  return [...found.values()];
}

async function walk(dir: string, depth: number, hfCache: boolean, out: string[]): Promise<void> {
  if (depth > MAX_DEPTH) return;
  let handle;
  try {
    handle = await opendir(dir);
  } catch {
    return; // the tool is not installed, or the folder is unreadable
  }
  for await (const entry of handle) {
    const path = join(dir, entry.name);
    if (hfCache && depth === 0 && !entry.name.startsWith("models--")) continue;
    if (hfCache && depth === 1 && entry.name !== "snapshots") continue;
    if (entry.isDirectory()) await walk(path, depth + 1, hfCache, out);
    // The hub cache's snapshot files are symlinks into blobs/: follow them.
    else if ((entry.isFile() || entry.isSymbolicLink()) && entry.name.toLowerCase().endsWith(".gguf")) {
      const info = await stat(path).catch(() => undefined);
      if (info?.isFile()) out.push(path);
    }
  }
}

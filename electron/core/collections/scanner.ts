import { open, readdir, readFile, realpath, stat } from "node:fs/promises";
import path from "node:path";
import ignore, { type Ignore } from "ignore";
import { isSecretLookingFile } from "../../shared/secret-files.js";

/** A file a collection may index: an absolute path with what the manifest compares. */
export interface ScannedFile {
  path: string;
  /** The path shown to a person: relative to the folder it came from. */
  display: string;
  mtimeMs: number;
  size: number;
}

export type SkipReason = "secret" | "binary" | "outside-link" | "too-large" | "unreadable";

export interface SkippedFile {
  display: string;
  reason: SkipReason;
}

export interface ScanResult {
  files: ScannedFile[];
  /** Files left out for a reason a person should hear about (ignored files are only counted). */
  skipped: SkippedFile[];
  ignoredCount: number;
}

/** Files larger than this are not read: generated bundles and data dumps, never prose. */
export const MAX_INDEXED_FILE_BYTES = 4 * 1024 * 1024;
const BINARY_PROBE_BYTES = 8192;
const ALWAYS_SKIPPED_FOLDERS = new Set([".git", ".hg", ".svn"]);

interface IgnoreLevel {
  /** The folder the .gitignore is in, relative to the walk's root ("" at the root). */
  base: string;
  rules: Ignore;
}

/**
 * Walks the sources of a collection: honours every nested `.gitignore` (a deeper file's rule,
 * negations included, wins), follows no link that leads outside its folder, and leaves out binary
 * and secret-looking files, naming each so the person knows what was not read.
 */
export async function scanSources(sources: readonly string[], signal?: AbortSignal): Promise<ScanResult> {
  const result: ScanResult = { files: [], skipped: [], ignoredCount: 0 };
  for (const source of sources) {
    const info = await stat(source).catch(() => null);
    if (!info) {
      result.skipped.push({ display: source, reason: "unreadable" });
    } else if (info.isDirectory()) {
      const root = await realpath(source);
      await walk(source, root, "", [], result, signal);
    } else {
      await consider(source, path.basename(source), result);
    }
  }
  return result;
}

async function walk(folder: string, root: string, rel: string, levels: IgnoreLevel[], result: ScanResult, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => null);
  if (!entries) {
    result.skipped.push({ display: rel || ".", reason: "unreadable" });
    return;
  }
  const here = entries.some((e) => e.name === ".gitignore" && e.isFile()) ? await readIgnore(path.join(folder, ".gitignore"), rel) : null;
  const active = here ? [...levels, here] : levels;
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    const childRel = rel ? `${rel}/${entry.name}` : entry.name;
    let isDir = entry.isDirectory();
    if (entry.isSymbolicLink()) {
      const target = await realpath(full).catch(() => null);
      if (!target || !isInside(root, target)) {
        result.skipped.push({ display: childRel, reason: "outside-link" });
        continue;
      }
      // A link to a folder inside the collection would walk it twice (or forever); its target is walked anyway.
      if ((await stat(target)).isDirectory()) continue;
      isDir = false;
    }
    if (isDir ? ALWAYS_SKIPPED_FOLDERS.has(entry.name) : false) continue;
    if (isIgnored(active, childRel, isDir)) {
      result.ignoredCount++;
      continue;
    }
    if (isDir) await walk(full, root, childRel, active, result, signal);
    else if (entry.isFile() || entry.isSymbolicLink()) await consider(full, childRel, result);
  }
}

async function consider(file: string, display: string, result: ScanResult): Promise<void> {
  if (isSecretLookingFile(path.basename(file))) {
    result.skipped.push({ display, reason: "secret" });
    return;
  }
  const info = await stat(file).catch(() => null);
  if (!info) return void result.skipped.push({ display, reason: "unreadable" });
  if (info.size > MAX_INDEXED_FILE_BYTES) return void result.skipped.push({ display, reason: "too-large" });
  if (await looksBinary(file)) return void result.skipped.push({ display, reason: "binary" });
  result.files.push({ path: file, display, mtimeMs: info.mtimeMs, size: info.size });
}

function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

async function readIgnore(file: string, base: string): Promise<IgnoreLevel | null> {
  const text = await readFile(file, "utf8").catch(() => null);
  return text === null ? null : { base, rules: ignore().add(text) };
}

/** The deepest .gitignore with a verdict on the path decides, as git does. */
function isIgnored(levels: IgnoreLevel[], rel: string, isDir: boolean): boolean {
  let ignored = false;
  for (const level of levels) {
    const inner = level.base ? rel.slice(level.base.length + 1) : rel;
    const verdict = level.rules.test(isDir ? `${inner}/` : inner);
    if (verdict.ignored) ignored = true;
    else if (verdict.unignored) ignored = false;
  }
  return ignored;
}

/** A NUL byte in the first 8 KiB is what git and grep take for binary. */
async function looksBinary(file: string): Promise<boolean> {
  const handle = await open(file, "r").catch(() => null);
  if (!handle) return true;
  try {
    const buffer = Buffer.alloc(BINARY_PROBE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, BINARY_PROBE_BYTES, 0);
    return buffer.subarray(0, bytesRead).includes(0);
  } finally {
    await handle.close();
  }
}

import ignore, { type Ignore } from "ignore";
import { MAX_FILE_BYTES } from "./read-file.js";

/** A file found in a picked or dropped folder, with its path inside that folder ("src/app.ts"). */
export interface FolderFile {
  path: string;
  file: File;
}

/** The most files one folder may add; beyond it the rest is skipped with a notice. */
export const MAX_FOLDER_FILES = 200;

/** Left out of every folder, .gitignore or not: version control's own data. */
const ALWAYS_SKIPPED = [".git/", ".hg/", ".svn/"];

/**
 * Chooses which files of a folder to attach: what its .gitignore files (at any depth, each for its
 * own folder, read with the `ignore` library's git semantics) do not exclude, at most
 * MAX_FILE_BYTES each and MAX_FOLDER_FILES in all. Returns the rest as counts for the notice.
 */
export async function selectFolderFiles(files: FolderFile[]): Promise<{ kept: FolderFile[]; ignored: number; tooLarge: number; overLimit: number }> {
  const rules = new Map<string, Ignore>();
  for (const { path, file } of files) {
    if (path === ".gitignore" || path.endsWith("/.gitignore")) rules.set(path.slice(0, -".gitignore".length), ignore().add(await file.text()));
  }
  const base = ignore().add(ALWAYS_SKIPPED);
  let ignored = 0;
  let tooLarge = 0;
  const candidates: FolderFile[] = [];
  for (const entry of files) {
    if (base.ignores(entry.path) || [...rules].some(([dir, rule]) => entry.path.startsWith(dir) && rule.ignores(entry.path.slice(dir.length)))) ignored++;
    else if (entry.file.size > MAX_FILE_BYTES) tooLarge++;
    else candidates.push(entry);
  }
  candidates.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { kept: candidates.slice(0, MAX_FOLDER_FILES), ignored, tooLarge, overLimit: Math.max(0, candidates.length - MAX_FOLDER_FILES) };
}

/** Files chosen with `<input webkitdirectory>`: their paths come with them, the folder's own name first. */
export function filesFromDirectoryInput(list: FileList): FolderFile[] {
  return Array.from(list, (file) => ({ path: file.webkitRelativePath.split("/").slice(1).join("/") || file.name, file }));
}

/** What was dropped: plain files, and every file under each dropped folder (walked with the entries API). */
export async function filesFromDrop(items: DataTransferItemList): Promise<{ files: File[]; folders: Array<{ name: string; files: FolderFile[] }> }> {
  // Entries and files must be taken before the first await: the list empties once the event is over.
  const dropped = Array.from(items)
    .filter((item) => item.kind === "file")
    .map((item) => ({ entry: item.webkitGetAsEntry(), file: item.getAsFile() }));
  const files: File[] = [];
  const folders: Array<{ name: string; files: FolderFile[] }> = [];
  for (const { entry, file } of dropped) {
    if (entry?.isDirectory) folders.push({ name: entry.name, files: await walk(entry as FileSystemDirectoryEntry, "") });
    else if (file) files.push(file);
  }
  return { files, folders };
}

async function walk(dir: FileSystemDirectoryEntry, prefix: string): Promise<FolderFile[]> {
  const found: FolderFile[] = [];
  for (const entry of await readAll(dir.createReader())) {
    const path = `${prefix}${entry.name}`;
    if (entry.isDirectory) {
      if (entry.name !== ".git") found.push(...(await walk(entry as FileSystemDirectoryEntry, `${path}/`)));
    } else found.push({ path, file: await fileOf(entry as FileSystemFileEntry) });
  }
  return found;
}

/** A directory reader hands out entries in batches until an empty one. */
async function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) return all;
    all.push(...batch);
  }
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

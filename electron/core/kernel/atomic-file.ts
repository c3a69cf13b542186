import fs from "node:fs";
import { open, rename, mkdir } from "node:fs/promises";
import path from "node:path";

let tempCounter = 0;
/** A temp name beside the target, unique per process and write: overlapping writers never collide. */
function tempNameFor(target: string): string {
  return `${target}.${process.pid}-${(tempCounter++).toString(36)}.tmp`;
}
// `<pid>.tmp` is what earlier builds left behind; they are cleaned up too.
const TEMP_SUFFIX = /\.\d+(?:-[0-9a-z]+)?\.tmp$/;

/**
 * Replaces a file so that a crash at any instant leaves either the old or the new content, never
 * a mix: write a temp file beside it, fsync it, rename it over the target, fsync the folder.
 */
export function writeFileAtomicSync(target: string, content: string | Uint8Array, mode = 0o600): void {
  const dir = path.dirname(target);
  fs.mkdirSync(dir, { recursive: true });
  const temp = tempNameFor(target);
  const fd = fs.openSync(temp, "w", mode);
  try {
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, target);
  fsyncDirectory(dir);
}

/** The same as writeFileAtomicSync, without blocking the event loop. */
export async function writeFileAtomic(target: string, content: string | Uint8Array, mode = 0o600): Promise<void> {
  const dir = path.dirname(target);
  await mkdir(dir, { recursive: true });
  const temp = tempNameFor(target);
  const handle = await open(temp, "w", mode);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, target);
  fsyncDirectory(dir);
}

/** Makes a rename durable; Windows cannot open folders, and its renames are already journaled. */
export function fsyncDirectory(dir: string): void {
  if (process.platform === "win32") return;
  const fd = fs.openSync(dir, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Temp files left by a crash mid-replace: safe to delete, the target is intact. */
export function removeStaleTempFiles(target: string): void {
  const dir = path.dirname(target);
  const prefix = `${path.basename(target)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith(prefix) && TEMP_SUFFIX.test(name)) fs.rmSync(path.join(dir, name), { force: true });
  }
}

/** A file name safe on every platform that says when it was set aside: `settings.json.damaged-2026-11-28T13-25-20Z`. */
export function datedBackupName(target: string, label: string, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, "Z")
    .replaceAll(":", "-");
  let candidate = `${target}.${label}-${stamp}`;
  for (let n = 2; fs.existsSync(candidate); n++) candidate = `${target}.${label}-${stamp}-${n}`;
  return candidate;
}

import fs from "node:fs";
import path from "node:path";

/**
 * Replaces a file so that a crash at any instant leaves either the old or the new content, never
 * a mix: write a temp file beside it, fsync it, rename it over the target, fsync the folder.
 */
export function writeFileAtomicSync(target: string, content: string | Uint8Array): void {
  const dir = path.dirname(target);
  fs.mkdirSync(dir, { recursive: true });
  const temp = `${target}.${process.pid}.tmp`;
  const fd = fs.openSync(temp, "w", 0o600);
  try {
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, target);
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

/** Temp files left by a crash mid-replace (`<name>.<pid>.tmp`): safe to delete, the target is intact. */
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
    if (name.startsWith(prefix) && /\.\d+\.tmp$/.test(name)) fs.rmSync(path.join(dir, name), { force: true });
  }
}

/** A file name safe on every platform that says when it was set aside: `settings.json.damaged-2026-11-28T13-25-20Z`. */
export function datedBackupName(target: string, label: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/\.\d+Z$/, "Z").replaceAll(":", "-");
  let candidate = `${target}.${label}-${stamp}`;
  for (let n = 2; fs.existsSync(candidate); n++) candidate = `${target}.${label}-${stamp}-${n}`;
  return candidate;
}

import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { AppError } from "./errors.js";

/**
 * Names that come from outside (a URL, a hub manifest, a catalog, a state file on disk) become
 * paths only through these checks: a file name is one plain name, a sub-folder is split on both
 * separators (a Windows `\` is a separator there), and the result must stay inside its root.
 */

// NUL and the C0/C1 control characters, plus both separators.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f/\\]/;

/** Why a name cannot be a file name, or undefined when it can. */
export function unsafeNameReason(name: string): string | undefined {
  if (name.length === 0) return "it is empty";
  if (name === "." || name === "..") return `"${name}" names a folder`;
  if (FORBIDDEN.test(name)) return "it contains a path separator or a control character";
  if (name.length > 255) return "it is longer than 255 characters";
  return undefined;
}

/** Throws a bad-request AppError unless `name` is one plain file name. */
export function assertSafeFileName(name: string, what = "file name"): string {
  const reason = unsafeNameReason(name);
  if (reason) throw new AppError("bad-request", `Refused the ${what} ${JSON.stringify(name.slice(0, 120))}: ${reason}.`, { reason: "unsafe-name" });
  return name;
}

/** A relative folder ("owner/repo", "sub\\dir") as checked segments; empty segments are dropped. */
export function safeSubfolder(subdir: string): string[] {
  const segments = subdir.split(/[/\\]/).filter((s) => s !== "");
  for (const segment of segments) assertSafeFileName(segment, "folder name");
  return segments;
}

/** True when `path` resolves to `root` itself or somewhere below it. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/** `root` joined with checked segments; throws when the result would leave `root`. */
export function pathInside(root: string, ...segments: string[]): string {
  const path = join(root, ...segments);
  if (!isInside(root, path)) throw new AppError("bad-request", `Refused a path outside ${root}.`, { reason: "unsafe-name" });
  return path;
}

// The Electron runtime that `npm start` and `npm run dev` open the app in: the `electron` package
// downloads it (about 100 MB) on install or first use. Where that cannot happen (offline, a blocked
// host, a Node.js older than Electron's download tools want) the person gets a short explanation that
// points to serve mode, which needs no Electron, instead of the package's stack trace.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

/** The installed `electron` package's folder (its index.js downloads on require, so it is never required here). */
export function electronPackageDir(): string {
  return path.dirname(createRequire(import.meta.url).resolve("electron/package.json"));
}

/** The runtime's executable when it is on disk, found as the package's index.js finds it; else undefined. */
export function electronBinary(packageDir: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const pathFile = path.join(packageDir, "path.txt");
  const named = existsSync(pathFile) ? readFileSync(pathFile, "utf8").trim() : undefined;
  const binary = env.ELECTRON_OVERRIDE_DIST_PATH
    ? path.join(env.ELECTRON_OVERRIDE_DIST_PATH, named || "electron")
    : named && path.join(packageDir, "dist", named);
  return binary && existsSync(binary) ? binary : undefined;
}

/** Runs the package's own installer (it honours ELECTRON_MIRROR and the download cache); on failure, its error's first line. */
export function fetchElectron(packageDir: string): { ok: true } | { ok: false; cause: string } {
  const result = spawnSync(process.execPath, [path.join(packageDir, "install.js")], { encoding: "utf8", stdio: ["ignore", "inherit", "pipe"] });
  if (result.status === 0) return { ok: true };
  const cause = (result.stderr ?? "")
    .split("\n")
    .map((line) => line.trim())
    .find((line) => line && !line.startsWith("at "));
  return { ok: false, cause: cause ?? result.error?.message ?? `the installer exited with ${result.status ?? result.signal}` };
}

/** The oldest Node.js the package's download tools accept (its `engines`), when this one is older; else undefined. */
export function nodeTooOldForElectron(packageDir: string, nodeVersion = process.versions.node): string | undefined {
  const wanted = /(\d+)\.(\d+)/.exec(JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8")).engines?.node ?? "");
  if (!wanted) return undefined;
  const [major = 0, minor = 0] = nodeVersion.split(".").map(Number);
  const older = major < Number(wanted[1]) || (major === Number(wanted[1]) && minor < Number(wanted[2]));
  return older ? `${wanted[1]}.${wanted[2]}` : undefined;
}

/** What a person reads when the desktop app cannot open: why, and serve mode in a browser instead. */
export function electronMissingMessage(cause: string, nodeNeeded: string | undefined, nodeVersion = process.versions.node): string {
  return [
    `R1 Local's desktop window needs the Electron runtime, which is not installed here and could not be fetched (${cause}).`,
    ...(nodeNeeded ? [`Electron's download tools ask for Node.js ${nodeNeeded} or later; this is Node.js ${nodeVersion}.`] : []),
    "Without Electron, use R1 Local in your browser with serve mode:",
    "",
    "  npm run serve",
    "",
    "It prints an address to open. For the desktop window, try again where github.com is reachable (or set ELECTRON_MIRROR).",
  ].join("\n");
}

/**
 * The runtime's executable, fetched first if it is missing. When that fails, prints the message above
 * and returns undefined: the caller exits non-zero.
 */
export function ensureElectron(): string | undefined {
  let packageDir: string;
  try {
    packageDir = electronPackageDir();
  } catch {
    console.error(electronMissingMessage("the electron package is not installed: run npm install", undefined));
    return undefined;
  }
  const present = electronBinary(packageDir);
  if (present) return present;
  console.log("Fetching the Electron runtime (about 100 MB, once)…");
  const fetched = fetchElectron(packageDir);
  const binary = electronBinary(packageDir);
  if (fetched.ok && binary) return binary;
  console.error(electronMissingMessage(fetched.ok ? "the download left no executable" : fetched.cause, nodeTooOldForElectron(packageDir)));
  return undefined;
}

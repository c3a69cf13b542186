import { readFileSync } from "node:fs";

let cached: string | undefined;

/** The app's version, from package.json (found next to the sources or the bundle). */
export function appVersion(): string {
  if (cached) return cached;
  for (const rel of ["../../../package.json", "../../package.json", "../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "r1-local" && pkg.version) return (cached = pkg.version);
    } catch {
      // try the next location
    }
  }
  return (cached = "0.0.0");
}

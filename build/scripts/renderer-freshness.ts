// Whether out/renderer was built from the renderer's sources as they are now, so serve mode can reuse
// the build instead of running vite on every launch. A digest of the sources' contents, taken before
// a build, is written into out/renderer after it succeeds (vite empties the folder first, so a build
// that fails leaves no record and the next check asks for a build again).
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

/** What vite reads to build the renderer: its sources, the contract it imports as $shared, the build's configuration, the locked dependencies. */
export const RENDERER_INPUTS = [
  "renderer",
  "electron/shared",
  "vite.config.ts",
  "svelte.config.js",
  "build/renderer-alias.js",
  "tsconfig.base.json",
  "tsconfig.web.json",
  "package-lock.json",
];
export const RENDERER_OUT = "out/renderer";
const STAMP = ".sources.sha256";

export type RendererBuildState = { upToDate: true } | { upToDate: false; reason: string };

/** One digest over the inputs' names and contents (a touched but unchanged file keeps it). */
export function rendererSourcesDigest(root: string, inputs: readonly string[] = RENDERER_INPUTS): string {
  const hash = createHash("sha256");
  for (const file of inputFiles(root, inputs)) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(path.join(root, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

export function rendererBuildState(root: string, inputs: readonly string[] = RENDERER_INPUTS): RendererBuildState {
  const out = path.join(root, RENDERER_OUT);
  if (!existsSync(path.join(out, "index.html"))) return { upToDate: false, reason: "it has not been built yet" };
  let recorded: string;
  try {
    recorded = readFileSync(path.join(out, STAMP), "utf8").trim();
  } catch {
    return { upToDate: false, reason: "its last build did not record its sources" };
  }
  return recorded === rendererSourcesDigest(root, inputs) ? { upToDate: true } : { upToDate: false, reason: "its sources changed since the last build" };
}

/** After a successful build: the digest taken before it started. */
export function recordRendererBuild(root: string, digest: string): void {
  writeFileSync(path.join(root, RENDERER_OUT, STAMP), `${digest}\n`);
}

/** Every file under the inputs, as sorted paths relative to root ("/" separated); a missing input is skipped. */
function inputFiles(root: string, inputs: readonly string[]): string[] {
  const files: string[] = [];
  const visit = (relative: string) => {
    const absolute = path.join(root, relative);
    const stats = statSync(absolute, { throwIfNoEntry: false });
    if (stats?.isDirectory()) {
      for (const name of readdirSync(absolute)) if (name !== "node_modules") visit(`${relative}/${name}`);
    } else if (stats?.isFile()) files.push(relative);
  };
  for (const input of inputs) visit(input);
  return files.sort();
}

import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recordRendererBuild, rendererBuildState, rendererSourcesDigest } from "../../build/scripts/renderer-freshness.js";

// `npm run serve` reuses out/renderer when it was built from the sources as they are now, and
// builds again when any of them changed. A project tree in a temporary folder stands in for this one.
let root: string;
const write = (file: string, text: string) => {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
};
/** What build-renderer.ts does: the digest before vite runs, vite's output, the record after. */
const build = () => {
  const digest = rendererSourcesDigest(root);
  rmSync(path.join(root, "out/renderer"), { recursive: true, force: true });
  write("out/renderer/index.html", "<!doctype html>");
  recordRendererBuild(root, digest);
};

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "r1-renderer-build-"));
  write("renderer/src/App.svelte", "<h1>R1 Local</h1>");
  write("renderer/index.html", "<div id=app></div>");
  write("electron/shared/contract/chat.ts", "export const a = 1;");
  write("vite.config.ts", "export default {};");
  write("package-lock.json", '{"lockfileVersion":3}');
  write("electron/core/kernel/jobs.ts", "export const notRenderer = 1;");
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("reusing the renderer's build", () => {
  it("asks for a build when there is none, or when one left no record of its sources", () => {
    expect(rendererBuildState(root)).toEqual({ upToDate: false, reason: "it has not been built yet" });
    write("out/renderer/index.html", "<!doctype html>");
    expect(rendererBuildState(root)).toEqual({ upToDate: false, reason: "its last build did not record its sources" });
  });

  it("reuses a build of the sources as they are, even when a file was only touched", () => {
    build();
    expect(rendererBuildState(root)).toEqual({ upToDate: true });
    const later = new Date(Date.now() + 60_000);
    utimesSync(path.join(root, "renderer/src/App.svelte"), later, later);
    expect(rendererBuildState(root)).toEqual({ upToDate: true });
    // Code the renderer never reads (the core) does not call for a build either.
    write("electron/core/kernel/jobs.ts", "export const notRenderer = 2;");
    expect(rendererBuildState(root)).toEqual({ upToDate: true });
  });

  it.each([
    ["a changed component", "renderer/src/App.svelte", "<h1>R1 Local, changed</h1>"],
    ["a new renderer file", "renderer/src/lib/new.ts", "export {};"],
    ["a changed contract ($shared)", "electron/shared/contract/chat.ts", "export const a = 2;"],
    ["a changed vite config", "vite.config.ts", "export default { base: '/' };"],
    ["changed dependencies", "package-lock.json", '{"lockfileVersion":3,"packages":{}}'],
  ])("builds again after %s, and reuses that build after", (_what, file, text) => {
    build();
    write(file, text);
    expect(rendererBuildState(root)).toEqual({ upToDate: false, reason: "its sources changed since the last build" });
    build();
    expect(rendererBuildState(root)).toEqual({ upToDate: true });
  });

  it("builds again after a renderer file is deleted", () => {
    build();
    rmSync(path.join(root, "renderer/index.html"));
    expect(rendererBuildState(root).upToDate).toBe(false);
  });
});

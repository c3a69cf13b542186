import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { collectRelease } from "../../build/scripts/collect-release.mjs";

let work: string;
afterEach(() => rmSync(work, { recursive: true, force: true }));

function job(name: string, files: Record<string, string>): string {
  const dir = path.join(work, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  return dir;
}

const feed = (version: string, url: string) => `version: ${version}\nfiles:\n  - url: ${url}\n    sha512: abc\n    size: 3\npath: ${url}\nsha512: abc\n`;

describe("collecting the release", () => {
  it("keeps every installer, merges the update feeds two jobs wrote, and lists a SHA-256 for each file", () => {
    work = mkdtempSync(path.join(os.tmpdir(), "r1-release-"));
    const x64 = job("win-x64", { "R1-Local-0.2.0-win-x64.exe": "x64", "latest.yml": feed("0.2.0", "R1-Local-0.2.0-win-x64.exe"), "builder-debug.yml": "x" });
    const arm = job("win-arm64", { "R1-Local-0.2.0-win-arm64.exe": "arm", "latest.yml": feed("0.2.0", "R1-Local-0.2.0-win-arm64.exe") });
    const out = path.join(work, "out");
    collectRelease(out, [x64, arm]);
    const merged = readFileSync(path.join(out, "latest.yml"), "utf8");
    expect(merged).toMatch(/^version: 0\.2\.0$/m);
    expect([...merged.matchAll(/- url: (\S+)/g)].map((m) => m[1])).toEqual(["R1-Local-0.2.0-win-x64.exe", "R1-Local-0.2.0-win-arm64.exe"]);
    const sums = readFileSync(path.join(out, "SHA256SUMS.txt"), "utf8").trim().split("\n");
    expect(sums).toHaveLength(3);
    expect(sums).toContain(`${createHash("sha256").update("arm").digest("hex")}  R1-Local-0.2.0-win-arm64.exe`);
    expect(sums.join("\n")).not.toContain("builder-debug"); // electron-builder's own logs stay out
  });
});

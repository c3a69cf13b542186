// Gathers the installers the release jobs built (one folder per platform and arch) into one folder
// for the GitHub Release, with SHA256SUMS.txt. electron-updater's feeds that two jobs both wrote
// (latest.yml for Windows x64 + arm64, latest-mac.yml for both Macs) are merged: the updater picks
// the file whose name carries its own arch. Usage: node build/scripts/collect-release.mjs <out> <job-folder>...
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import yaml from "js-yaml"; // electron-builder's own YAML library

// What users and the updater download; electron-builder's own logs (builder-debug.yml, …) are not.
const ASSET = /^(?!builder-).*\.(exe|dmg|zip|AppImage|deb|blockmap|yml)$/;

/** One feed from several jobs' feeds of the same name: every job's files, the first job's other fields. */
export function mergeFeeds(texts) {
  const feeds = texts.map((text) => yaml.load(text));
  const files = feeds.flatMap((feed) => feed.files ?? []).filter((file, i, all) => all.findIndex((f) => f.url === file.url) === i);
  return yaml.dump({ ...feeds[0], files }, { lineWidth: -1 });
}

export function collectRelease(out, jobDirs) {
  mkdirSync(out, { recursive: true });
  const feeds = new Map();
  for (const dir of jobDirs) {
    for (const name of readdirSync(dir).filter((n) => ASSET.test(n))) {
      if (name.endsWith(".yml")) feeds.set(name, [...(feeds.get(name) ?? []), readFileSync(path.join(dir, name), "utf8")]);
      else copyFileSync(path.join(dir, name), path.join(out, name));
    }
  }
  for (const [name, texts] of feeds) writeFileSync(path.join(out, name), mergeFeeds(texts));
  const sums = readdirSync(out)
    .filter((n) => ASSET.test(n))
    .sort()
    .map(
      (n) =>
        `${createHash("sha256")
          .update(readFileSync(path.join(out, n)))
          .digest("hex")}  ${n}`,
    );
  writeFileSync(path.join(out, "SHA256SUMS.txt"), sums.join("\n") + "\n");
  return sums;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [out, ...dirs] = process.argv.slice(2);
  if (!out || !dirs.length) {
    console.error("usage: node build/scripts/collect-release.mjs <out> <job-folder>...");
    process.exit(2);
  }
  for (const line of collectRelease(out, dirs)) console.log(line);
}

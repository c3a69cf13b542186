import { listPackage } from "@electron/asar";
import { getCurrentFuseWire } from "@electron/fuses";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Arch, build, Platform } from "electron-builder";
import { build as viteBuild } from "vite";

const root = path.resolve(import.meta.dirname, "../../..");

/** What @electron/fuses looks for in an Electron binary (its `SENTINEL`), then wire version 1 and 8 fuses. */
const FUSE_SENTINEL = "dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX";
/** Electron 45's own defaults, in FuseV1Options order ('1' on, '0' off), so every flip is visible. */
const ELECTRON_DEFAULT_WIRE = "10110001";

export interface PackedApp {
  /** The unpacked app folder electron-builder wrote (what every Linux installer wraps). */
  appOutDir: string;
  /** Paths inside resources/app.asar, "/"-separated, without the leading slash; files only. */
  asarFiles: string[];
  /** Paths under resources/app.asar.unpacked. */
  unpackedFiles: string[];
  /** Paths under resources/ outside the asar (the catalog, app-update.yml). */
  resourceFiles: string[];
  /** The fuse wire electron-builder wrote into the (stand-in) Electron binary, "1"/"0" per fuse. */
  fuseWire: string;
  /** Bytes of the app's own payload: the asar, its unpacked files and the extra resources. */
  appBytes: number;
  /** Deletes the packed app (it holds several hundred MB of binaries). */
  remove(): Promise<void>;
}

async function walk(dir: string, base = dir): Promise<{ file: string; bytes: number }[]> {
  if (!existsSync(dir)) return [];
  const out: { file: string; bytes: number }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full, base)));
    else out.push({ file: path.relative(base, full).split(path.sep).join("/"), bytes: (await stat(full)).size });
  }
  return out;
}

/** A file carrying Electron's fuse wire where the real binary has it, with Electron's defaults. */
async function standInBinary(file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const body = Buffer.concat([
    Buffer.from("stand-in for the Electron binary\n"),
    Buffer.from(FUSE_SENTINEL),
    Buffer.from([1, 8]),
    Buffer.from(ELECTRON_DEFAULT_WIRE),
  ]);
  await writeFile(file, body);
  await chmod(file, 0o755);
}

/** The wire of a binary (or a macOS .app), "1"/"0" per fuse in FuseV1Options order. */
export async function fuseWireOf(binary: string): Promise<string> {
  const wire = await getCurrentFuseWire(binary);
  return Object.keys(wire)
    .filter((k) => k !== "version")
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => String.fromCharCode(wire[k as unknown as keyof typeof wire] as number))
    .join("");
}

/**
 * A stand-in for the Electron runtime, which cannot be downloaded here: an `electron` file carrying
 * the fuse wire where the real binary has it. electron-builder copies it, renames it, and flips its
 * fuses exactly as it would the real one.
 */
async function fakeElectronDist(dir: string): Promise<string> {
  await standInBinary(path.join(dir, "electron"));
  return dir;
}

/**
 * A macOS app bundle as electron-builder leaves it before its afterPack hook: the fuse wire lives in
 * the Electron Framework binary inside the .app (where @electron/fuses looks for it). electron-builder
 * cannot pack for macOS off a Mac, so the hook is run on this bundle as electron-builder would run it.
 */
export async function standInMacApp(appOutDir: string, productFilename: string): Promise<string> {
  const app = path.join(appOutDir, `${productFilename}.app`);
  await standInBinary(path.join(app, "Contents", "Frameworks", "Electron Framework.framework", "Electron Framework"));
  return app;
}

/** The app's bundles and renderer, built if this checkout has not built them yet. */
export async function ensureBuilt(): Promise<void> {
  if (!existsSync(path.join(root, "out/renderer/index.html"))) await viteBuild({ configFile: path.join(root, "vite.config.ts"), logLevel: "warn" });
  if (!existsSync(path.join(root, "out/main/main.js")) || !existsSync(path.join(root, "out/engine/engine.js"))) {
    const { execFileSync } = await import("node:child_process");
    execFileSync(process.execPath, [path.join(root, "build/scripts/build-node.mjs")], { cwd: root, stdio: "ignore" });
  }
}

/**
 * Packs the app for Linux as electron-builder's `dir` target with the project's own
 * electron-builder.yml: its file patterns, asarUnpack, extraResources and fuses all apply, through
 * electron-builder's own code. Only the Electron runtime is a stand-in.
 */
export async function packLinuxDir(arch: "x64" | "arm64" = "x64"): Promise<PackedApp> {
  await ensureBuilt();
  const work = await mkdtemp(path.join(os.tmpdir(), "r1-pack-"));
  const electronDist = await fakeElectronDist(path.join(work, "electron-dist"));
  const output = path.join(work, "release");
  await build({
    projectDir: root,
    targets: Platform.LINUX.createTarget("dir", arch === "x64" ? Arch.x64 : Arch.arm64),
    publish: "never",
    config: { electronDist, directories: { output } },
  });
  const appOutDir = path.join(output, arch === "x64" ? "linux-unpacked" : "linux-arm64-unpacked");
  const resources = path.join(appOutDir, "resources");
  const asar = path.join(resources, "app.asar");
  const unpacked = await walk(path.join(resources, "app.asar.unpacked"));
  const all = await walk(resources);
  const resourceFiles = all.filter((f) => f.file !== "app.asar" && !f.file.startsWith("app.asar.unpacked/"));
  const headerFiles = listPackage(asar, { isPack: false }).map((p) => p.replace(/\\/g, "/").replace(/^\//, ""));
  const unpackedSet = new Set(unpacked.map((f) => f.file));
  // listPackage names folders too: keep the entries that are files (in the archive or unpacked beside it).
  const dirs = new Set(headerFiles.flatMap((p) => p.split("/").map((_, i, parts) => parts.slice(0, i).join("/"))));
  const asarFiles = headerFiles.filter((p) => !dirs.has(p) && !unpackedSet.has(p));
  const fuseWire = await fuseWireOf(path.join(appOutDir, "r1-local"));
  const appBytes = (await stat(asar)).size + [...unpacked, ...resourceFiles].reduce((sum, f) => sum + f.bytes, 0);
  return {
    appOutDir,
    asarFiles,
    unpackedFiles: unpacked.map((f) => f.file),
    resourceFiles: resourceFiles.map((f) => f.file),
    fuseWire,
    appBytes,
    remove: () => rm(work, { recursive: true, force: true }),
  };
}

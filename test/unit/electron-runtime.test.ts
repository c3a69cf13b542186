import { createServer, type Server } from "node:http";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { electronBinary, electronPackageDir, nodeTooOldForElectron } from "../../build/scripts/electron-runtime.js";
import { runCommand } from "../support/scripts/run-script.js";

// `npm start` needs the Electron runtime, which the `electron` package downloads. Where it is not
// there and cannot be fetched, the person reads why and is pointed to serve mode, and nothing is built.
let work: string | undefined;
afterEach(() => {
  if (work) rmSync(work, { recursive: true, force: true });
  work = undefined;
});

/** A stand-in `electron` package folder: its package.json, and path.txt / dist/ as the installer leaves them. */
function fakeElectronPackage(files: Record<string, string>): string {
  work = mkdtempSync(path.join(os.tmpdir(), "r1-electron-"));
  for (const [file, text] of Object.entries({ "package.json": '{"engines":{"node":">= 22.12.0"}}', ...files })) {
    mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
    writeFileSync(path.join(work, file), text);
  }
  return work;
}

describe("finding the Electron runtime", () => {
  it("finds the executable the package's path.txt names, and nothing when it is not on disk", () => {
    expect(electronBinary(fakeElectronPackage({}), {})).toBeUndefined();
    const named = fakeElectronPackage({ "path.txt": "electron" });
    expect(electronBinary(named, {})).toBeUndefined();
    mkdirSync(path.join(named, "dist"));
    writeFileSync(path.join(named, "dist/electron"), "");
    expect(electronBinary(named, {})).toBe(path.join(named, "dist/electron"));
    expect(electronBinary(named, { ELECTRON_OVERRIDE_DIST_PATH: path.join(named, "elsewhere") })).toBeUndefined();
  });

  it("names the Node.js version Electron's download tools ask for only when this one is older", () => {
    const dir = fakeElectronPackage({});
    expect(nodeTooOldForElectron(dir, "20.19.0")).toBe("22.12");
    expect(nodeTooOldForElectron(dir, "22.11.9")).toBe("22.12");
    expect(nodeTooOldForElectron(dir, "22.12.0")).toBeUndefined();
    expect(nodeTooOldForElectron(dir, "24.1.0")).toBeUndefined();
  });
});

// Runs only where the runtime is missing (it cannot be downloaded on the machines this suite is made
// for); where it is installed, `npm start` would open the app instead.
const installed = electronBinary(electronPackageDir());
describe("npm start without the Electron runtime", () => {
  it.skipIf(installed)(
    "says why, points to npm run serve, and stops before building",
    async () => {
      // A mirror that has no Electron, and an empty download cache, so the fetch fails here even online.
      const mirror: Server = createServer((_req, res) => res.writeHead(404).end());
      await new Promise<void>((resolve) => mirror.listen(0, "127.0.0.1", resolve));
      work = mkdtempSync(path.join(os.tmpdir(), "r1-electron-cache-"));
      try {
        const { port } = mirror.address() as { port: number };
        const { ELECTRON_OVERRIDE_DIST_PATH: _override, ...env } = process.env;
        const run = await runCommand("npm", ["start", "--silent"], {
          ...env,
          ELECTRON_MIRROR: `http://127.0.0.1:${port}/`,
          electron_config_cache: work,
        });
        expect(run.stderr).toContain("needs the Electron runtime, which is not installed here and could not be fetched (HTTPError: Response code 404");
        expect(run.stderr).toMatch(/^ {2}npm run serve$/m);
        expect(run.stderr).not.toMatch(/^\s+at /m);
        expect(run.stderr).not.toContain("Please delete");
        expect(run.stdout).not.toContain("vite");
        expect(run.code).toBe(1);
        expect(electronBinary(electronPackageDir())).toBeUndefined();
      } finally {
        await new Promise((resolve) => mirror.close(resolve));
      }
    },
    120_000,
  );
});

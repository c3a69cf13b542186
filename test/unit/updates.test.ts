import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AppCore } from "../../electron/core/composition/app-core.js";
import type { UpdateFound, Updater } from "../../electron/core/updates/updater.js";
import type { EventName } from "../../electron/shared/contract/index.js";

// The core's side of updates, through the real core and dispatcher. The release feed is Electron
// main's electron-updater, which needs the Electron runtime; here a feed that answers what each
// test says stands in for it and counts how often it was asked.
class ScriptedFeed implements Updater {
  asked = 0;
  installs = 0;
  constructor(
    public answer: () => Promise<UpdateFound | null>,
    private readonly steps: number[] = [0.25, 0.5, 1],
  ) {}
  check() {
    this.asked++;
    return this.answer();
  }
  async download(onProgress: (fraction: number) => void) {
    for (const step of this.steps) onProgress(step);
  }
  install() {
    this.installs++;
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startCore(options: { updater?: Updater; dataDir?: string; mode?: "electron" | "serve" } = {}) {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), "r1-updates-")));
  if (!options.dataDir) cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const core = await AppCore.create({ dataDir, mode: options.mode ?? "electron", env: { HOME: dataDir }, updater: options.updater });
  const events: { name: EventName; payload: unknown }[] = [];
  core.subscribe((name, payload) => events.push({ name, payload }));
  const call = async (name: string, payload: unknown = {}) => {
    const outcome = await core.dispatch(name, payload);
    if (!outcome.ok) throw Object.assign(new Error(outcome.error.message), { code: outcome.error.code });
    return outcome.value as Record<string, unknown>;
  };
  return { core, dataDir, events, call, close: () => core.close() };
}

const newer = async (): Promise<UpdateFound> => ({ version: "9.9.9", releaseNotes: "Faster downloads." });

describe("updates", () => {
  it("never asks the release feed on its own: the check at start is off by default", async () => {
    const feed = new ScriptedFeed(newer);
    const app = await startCore({ updater: feed });
    cleanups.push(app.close);
    const { settings } = (await app.call("settings.get")) as { settings: { updates: { checkOnStart: boolean } } };
    expect(settings.updates.checkOnStart).toBe(false);
    expect(await app.call("updates.status")).toMatchObject({ state: "idle" });
    expect(feed.asked).toBe(0);
  });

  it("checks when asked and reports the newer version, with its notes", async () => {
    const feed = new ScriptedFeed(newer);
    const app = await startCore({ updater: feed });
    cleanups.push(app.close);
    expect(await app.call("updates.check")).toEqual({
      state: "available",
      currentVersion: expect.any(String),
      version: "9.9.9",
      releaseNotes: "Faster downloads.",
    });
    expect(app.events.filter((e) => e.name === "updates.changed").map((e) => (e.payload as { state: string }).state)).toEqual(["checking", "available"]);
    feed.answer = async () => null;
    expect(await app.call("updates.check")).toMatchObject({ state: "up-to-date" });
    expect(feed.asked).toBe(2);
  });

  it("with 'check on start' on, checks once at the next start and says a newer version is there", async () => {
    const first = await startCore({ updater: new ScriptedFeed(newer) });
    await first.call("settings.update", { patch: { updates: { checkOnStart: true } } });
    await first.close();
    const feed = new ScriptedFeed(newer);
    const app = await startCore({ updater: feed, dataDir: first.dataDir });
    cleanups.push(app.close);
    await expect
      .poll(() => app.events.find((e) => e.name === "app.notice")?.payload)
      .toEqual({ level: "info", message: expect.stringContaining("R1 Local 9.9.9 is available") });
    expect(feed.asked).toBe(1);
  });

  it("downloads with progress, and installs only what was downloaded", async () => {
    const feed = new ScriptedFeed(newer);
    const app = await startCore({ updater: feed });
    cleanups.push(app.close);
    await expect(app.call("updates.download")).rejects.toMatchObject({ code: "bad-request", message: expect.stringMatching(/check for updates first/) });
    await app.call("updates.check");
    await expect(app.call("updates.install")).rejects.toMatchObject({ code: "bad-request" });
    expect(await app.call("updates.download")).toMatchObject({ state: "downloading", version: "9.9.9", progress: 0 });
    await expect.poll(async () => (await app.call("updates.status")).state).toBe("downloaded");
    const progress = app.events
      .filter((e) => (e.payload as { state?: string }).state === "downloading")
      .map((e) => (e.payload as { progress: number }).progress);
    expect(progress).toEqual([0, 0.25, 0.5, 1]);
    expect(feed.installs).toBe(0);
    expect(await app.call("updates.install")).toEqual({ restarting: true });
    expect(feed.installs).toBe(1);
  });

  it("turns a failed check into a message and keeps working; the next check can succeed", async () => {
    const feed = new ScriptedFeed(async () => {
      throw new Error("net::ERR_INTERNET_DISCONNECTED\n    at stack");
    });
    const app = await startCore({ updater: feed });
    cleanups.push(app.close);
    const failed = await app.call("updates.check");
    expect(failed).toMatchObject({ state: "error" });
    expect(failed.message).toBe("The update check failed: net::ERR_INTERNET_DISCONNECTED. R1 Local keeps working; try again later.");
    feed.answer = newer;
    expect(await app.call("updates.check")).toMatchObject({ state: "available" });
  });

  it("in serve mode (no installer), says why it cannot update instead of trying", async () => {
    const app = await startCore({ mode: "serve" });
    cleanups.push(app.close);
    expect(await app.call("updates.status")).toMatchObject({ state: "unsupported", reason: expect.stringContaining("git pull") });
    await expect(app.call("updates.check")).rejects.toMatchObject({ code: "unavailable", message: expect.stringContaining("Serve mode") });
  });
});

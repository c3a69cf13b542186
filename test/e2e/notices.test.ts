import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchGuardedChromium, type GuardedBrowser } from "../support/browser/chromium.js";
import { startServeProcess, type ServeProcess } from "../support/browser/serve-process.js";

// Needs the built renderer (`npm run build:renderer`), as shell.test.ts does.
const resultsDir = path.resolve(import.meta.dirname, "../../test-results");
let dataDir: string;
let serve: ServeProcess;
let chrome: GuardedBrowser;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "r1-notices-"));
  // A settings file cut short mid-write, as a crash or a full disk leaves it.
  await writeFile(path.join(dataDir, "settings.json"), '{ "version": 1, "contextSize": 163');
  serve = await startServeProcess({ dataDir });
  chrome = await launchGuardedChromium({ width: 1280, height: 800 });
});
afterAll(async () => {
  await chrome?.close();
  await serve?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("start-up notices in Chromium over serve mode", () => {
  it("tells the person that a damaged settings file was repaired, until they dismiss it", async () => {
    const { page } = chrome;
    await page.goto(serve.url);
    const notices = page.getByRole("region", { name: "Notices" });
    const repaired = notices.getByRole("status").getByTestId("notice").filter({ hasText: "Settings were repaired" });
    await expect.poll(() => repaired.count(), { timeout: 30_000 }).toBe(1);
    const text = (await repaired.textContent()) ?? "";
    expect(text).toContain("Warning:");
    expect(text).toContain("settings.json could not be read");
    // The message names the backup, and the backup is really there.
    const backups = (await readdir(dataDir)).filter((name) => name.startsWith("settings.json") && name !== "settings.json");
    expect(backups.length).toBe(1);
    expect(text).toContain(backups[0]);

    await mkdir(resultsDir, { recursive: true });
    await page.screenshot({ path: path.join(resultsDir, "notice-banner.png") });
    await page.emulateMedia({ colorScheme: "dark" }); // the theme setting is "system"
    await page.screenshot({ path: path.join(resultsDir, "notice-banner-dark.png") });

    await repaired.getByRole("button", { name: "Dismiss", exact: true }).click();
    await expect.poll(() => repaired.count()).toBe(0);
    expect(chrome.offMachineRequests).toEqual([]);
  });
});

import { mkdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchGuardedChromium, type GuardedBrowser } from "../support/browser/chromium.js";
import { startServeProcess, type ServeProcess } from "../support/browser/serve-process.js";

const resultsDir = path.resolve(import.meta.dirname, "../../test-results");
let serve: ServeProcess;
let chrome: GuardedBrowser;

beforeAll(async () => {
  serve = await startServeProcess();
  chrome = await launchGuardedChromium();
});
afterAll(async () => {
  await chrome?.close();
  await serve?.stop();
});

describe("serve mode in Chromium", () => {
  it("opens the shell and shows the core's version and hardware in the status line", async () => {
    const { page } = chrome;
    await page.goto(serve.url);
    expect(new URL(page.url()).search).toBe(""); // the token left the address bar
    const status = page.getByTestId("status-line");
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toMatch(/R1 Local \d+\.\d+\.\d+/);
    const text = (await status.textContent()) ?? "";
    expect(text).toMatch(/\d+ cores/);
    expect(text).toMatch(/RAM \d/);
    await expect.poll(() => page.getByRole("navigation", { name: "Main" }).isVisible()).toBe(true);
    await mkdir(resultsDir, { recursive: true });
    await page.screenshot({ path: path.join(resultsDir, "shell.png") });
    expect(chrome.offMachineRequests).toEqual([]);
  });

  it("shows nothing of the app to a page load without the token", async () => {
    const fresh = await chrome.browser.newPage();
    const response = await fresh.goto(serve.origin + "/");
    expect(response?.status()).toBe(401);
    await fresh.close();
  });
});

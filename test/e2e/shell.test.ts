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
    const cspViolations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await page.goto(serve.url);
    await expect.poll(() => new URL(page.url()).hash).toBe(""); // the token left the address bar
    expect(await page.context().cookies()).toEqual([]); // and is no cookie other servers on 127.0.0.1 would receive
    const status = page.getByTestId("status-line");
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toMatch(/R1 Local \d+\.\d+\.\d+/);
    const text = (await status.textContent()) ?? "";
    expect(text).toMatch(/\d+ cores/);
    expect(text).toMatch(/RAM \d/);
    await expect.poll(() => page.getByRole("navigation", { name: "Main" }).isVisible()).toBe(true);
    await mkdir(resultsDir, { recursive: true });
    await page.screenshot({ path: path.join(resultsDir, "shell.png") });
    expect(chrome.offMachineRequests).toEqual([]);
    expect(cspViolations).toEqual([]); // the app's own styles and scripts all pass the strict CSP
  });

  it("gives a tab without the token no connection to the core", async () => {
    const fresh = await chrome.browser.newPage(); // a new tab: the token is kept per tab
    await fresh.goto(serve.origin + "/");
    const opened = await fresh.evaluate(
      (url) =>
        new Promise<boolean>((resolve) => {
          const storage = (globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } }).sessionStorage;
          const token = storage.getItem("r1-token") ?? "";
          const socket = new WebSocket(url, ["r1-local", `r1-token.${token}`]);
          socket.onopen = () => resolve(true);
          socket.onerror = () => resolve(false);
        }),
      serve.origin.replace(/^http/, "ws") + "/ws",
    );
    expect(opened).toBe(false);
    // The page says what to do rather than waiting for ever.
    await expect.poll(() => fresh.getByRole("alert").first().textContent(), { timeout: 30_000 }).toMatch(/no access token.*#token=/);
    await fresh.close();
  });
});

import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

const root = path.resolve(import.meta.dirname, "../../..");

/**
 * The Electron binary to test: the packaged app named by R1_PACKAGED_APP (release.yml sets it to the
 * executable inside electron-builder's unpacked folder), else the `electron` package's runtime with
 * this checkout. undefined when neither exists, as on machines that cannot download Electron.
 */
export function electronUnderTest(): { binary: string; args: string[]; packaged: boolean } | undefined {
  // Relative to the checkout (release.yml passes release/…), so no shell has to spell a Windows path.
  const packaged = process.env.R1_PACKAGED_APP && path.resolve(root, process.env.R1_PACKAGED_APP);
  if (packaged) return existsSync(packaged) ? { binary: packaged, args: [], packaged: true } : undefined;
  try {
    const binary = path.join(root, "node_modules/electron/dist", readFileSync(path.join(root, "node_modules/electron/path.txt"), "utf8").trim());
    return existsSync(binary) ? { binary, args: [root], packaged: false } : undefined;
  } catch {
    return undefined;
  }
}

export interface RunningElectronApp {
  page: Page;
  browser: Browser;
  stderr: () => string;
  close(): Promise<void>;
}

/**
 * Starts the app and attaches Playwright to its window over the Chrome DevTools protocol.
 * Playwright's `_electron.launch` cannot drive a packaged build: it needs Node's `--inspect`, which
 * the EnableNodeCliInspectArguments fuse turns off. `--remote-debugging-port` is Chromium's and stays.
 */
export async function launchElectronApp(target: { binary: string; args: string[] }, userDataDir: string): Promise<RunningElectronApp> {
  const child: ChildProcess = spawn(target.binary, [...target.args, "--remote-debugging-port=0", `--user-data-dir=${userDataDir}`], {
    env: { ...process.env, XDG_CONFIG_HOME: userDataDir, ELECTRON_ENABLE_LOGGING: "1" },
    stdio: ["ignore", "inherit", "pipe"],
  });
  let stderr = "";
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`No DevTools endpoint after 120 s. stderr:\n${stderr}`)), 120_000);
    child.stderr!.setEncoding("utf8").on("data", (text: string) => {
      stderr += text;
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
      if (!match) return;
      clearTimeout(timer);
      resolve(match[1]!);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`The app exited (${code}) before its window opened. stderr:\n${stderr}`));
    });
  });
  const browser = await chromium.connectOverCDP(endpoint);
  const page = await waitForAppPage(browser);
  return {
    page,
    browser,
    stderr: () => stderr,
    async close() {
      await browser.close().catch(() => {});
      if (child.exitCode === null) {
        child.kill();
        await new Promise((resolve) => child.once("exit", resolve));
      }
    },
  };
}

async function waitForAppPage(browser: Browser): Promise<Page> {
  for (let tries = 0; tries < 240; tries++) {
    const page = browser
      .contexts()
      .flatMap((c) => c.pages())
      .find((p) => p.url().startsWith("app://"));
    if (page) return page;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error("The app's window did not load app://r1/index.html within 60 s.");
}

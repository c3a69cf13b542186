import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// Without the background-networking flags Chromium keeps trying to reach Google's hosts.
const FLAGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--disable-domain-reliability",
  "--metrics-recording-only",
];

export interface GuardedBrowser {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Every request the page tried to make to a non-loopback address (each was blocked). */
  offMachineRequests: string[];
  close(): Promise<void>;
}

export function isLoopbackUrl(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (["data:", "blob:", "about:", "chrome-extension:"].includes(protocol)) return true;
  return hostname === "localhost" || hostname === "[::1]" || hostname === "::1" || /^127\./.test(hostname);
}

/** Real Debian Chromium (fresh profile), with every request leaving the machine blocked and recorded. */
export async function launchGuardedChromium(viewport = { width: 1280, height: 800 }): Promise<GuardedBrowser> {
  // Playwright gives each launch a fresh, temporary profile of its own.
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: FLAGS });
  const context = await browser.newContext({ viewport });
  const offMachineRequests: string[] = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (isLoopbackUrl(url)) return route.continue();
    offMachineRequests.push(url);
    return route.abort("blockedbyclient");
  });
  const page = await context.newPage();
  return {
    browser,
    context,
    page,
    offMachineRequests,
    close: () => browser.close(),
  };
}

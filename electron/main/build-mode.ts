// What a packaged build allows, decided from plain values so the tests need no Electron runtime.

/**
 * The renderer dev server's address: only in a development run, and only on this machine. A
 * packaged build ignores R1_RENDERER_URL, since whatever it loads is trusted with the app's IPC.
 */
export function rendererDevUrl(env: Record<string, string | undefined>, isPackaged: boolean): string | undefined {
  const url = env.R1_RENDERER_URL;
  if (isPackaged || !url) return undefined;
  try {
    const { protocol, hostname } = new URL(url);
    return protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(hostname) ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Which downloads the window may start: only files the page itself made (blob: and data:
 * addresses, e.g. "save code as file"); model downloads go through the core, never the browser.
 */
export function isAllowedWindowDownload(url: string, appOrigins: string[]): boolean {
  if (url.startsWith("data:")) return true;
  if (!url.startsWith("blob:")) return false;
  return appOrigins.some((origin) => url.startsWith(`blob:${origin}/`));
}

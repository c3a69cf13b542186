import type { BrowserWindowConstructorOptions, Rectangle } from "electron";

export interface SavedBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized?: boolean;
}

export const DEFAULT_BOUNDS: SavedBounds = { width: 1280, height: 820 };

/** The window's options: the renderer is a web page with no Node, in a sandbox, isolated from the preload. */
export function windowOptions(bounds: SavedBounds, preloadPath: string, options: { devTools?: boolean } = {}): BrowserWindowConstructorOptions {
  return {
    ...bounds,
    minWidth: 720,
    minHeight: 480,
    title: "R1 Local",
    show: false,
    backgroundColor: "#15171b",
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: true,
      // Packaged builds cannot open DevTools at all (development runs pass true).
      devTools: options.devTools ?? false,
    },
  };
}

/** Saved bounds are used only if the window would still be visible on one of today's displays. */
export function restoreBounds(saved: SavedBounds | undefined, displays: Rectangle[]): SavedBounds {
  if (!saved || !(saved.width > 200 && saved.height > 200)) return DEFAULT_BOUNDS;
  if (saved.x === undefined || saved.y === undefined) return { width: saved.width, height: saved.height, maximized: saved.maximized };
  const { x, y } = saved;
  const visible = displays.some((d) => x + 100 > d.x && x < d.x + d.width - 100 && y >= d.y && y < d.y + d.height - 50);
  return visible ? saved : { width: saved.width, height: saved.height, maximized: saved.maximized };
}

/** Only the app's own pages may be shown; everything else is refused (and https links open outside). */
export function isAppUrl(url: string, devServerUrl?: string): boolean {
  if (url.startsWith("app://r1/")) return true;
  return devServerUrl !== undefined && url.startsWith(devServerUrl);
}

export function isSafeExternalUrl(url: string): boolean {
  try {
    return new URL(url).protocol === "https:";
  } catch {
    return false;
  }
}

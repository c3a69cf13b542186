import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { SavedBounds } from "./window-options.js";

export function loadWindowState(userData: string): SavedBounds | undefined {
  try {
    return JSON.parse(readFileSync(path.join(userData, "window-state.json"), "utf8")) as SavedBounds;
  } catch {
    return undefined;
  }
}

export function saveWindowState(userData: string, state: SavedBounds): void {
  try {
    writeFileSync(path.join(userData, "window-state.json"), JSON.stringify(state));
  } catch {
    // Losing the window position is not worth an error dialog.
  }
}

import { mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/** Where serve mode keeps its data when --data-dir is absent (Electron uses app.getPath("userData")). */
export function defaultDataDir(env: Record<string, string | undefined> = process.env, platform = process.platform): string {
  if (env.R1_LOCAL_DATA_DIR) return env.R1_LOCAL_DATA_DIR;
  const home = os.homedir();
  if (platform === "darwin") return path.join(home, "Library", "Application Support", "R1 Local");
  if (platform === "win32") return path.join(env.APPDATA ?? path.join(home, "AppData", "Roaming"), "R1 Local");
  return path.join(env.XDG_DATA_HOME ?? path.join(home, ".local", "share"), "r1-local");
}

/**
 * Creates the data folder (and any missing parents) readable by this user only: it holds the API
 * key, the hub token and the conversations. A folder the person already had is left as it is.
 */
export async function createPrivateFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

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

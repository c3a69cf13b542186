import type { ProgressInfo } from "builder-util-runtime";
import electronUpdater from "electron-updater";
import type { Updater } from "../core/updates/updater.js";

/**
 * electron-updater against the GitHub Releases the release pipeline publishes to (app-update.yml,
 * written by electron-builder). It never checks or downloads on its own: the core decides when.
 * Only for an installed app; `electron .` has no feed to read.
 */
export function createAppUpdater(): Updater {
  const { autoUpdater } = electronUpdater;
  autoUpdater.autoDownload = false;
  autoUpdater.autoInstallOnAppQuit = true; // once the person has downloaded one
  autoUpdater.logger = null;
  return {
    async check() {
      const result = await autoUpdater.checkForUpdates();
      if (!result?.isUpdateAvailable) return null;
      const notes = result.updateInfo.releaseNotes;
      const releaseNotes = typeof notes === "string" ? notes : (notes?.map((n) => n.note ?? "").join("\n\n") ?? null);
      return { version: result.updateInfo.version, releaseNotes };
    },
    async download(onProgress) {
      const listener = (progress: ProgressInfo) => onProgress(progress.percent / 100);
      autoUpdater.on("download-progress", listener);
      try {
        await autoUpdater.downloadUpdate();
      } finally {
        autoUpdater.off("download-progress", listener);
      }
    },
    install: () => autoUpdater.quitAndInstall(),
  };
}

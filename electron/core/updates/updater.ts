/** A newer version found on the release feed. */
export interface UpdateFound {
  version: string;
  releaseNotes: string | null;
}

/**
 * The release feed and the installer, as Electron main provides them (electron-updater against
 * GitHub Releases). The core never talks to the network for updates itself: it decides when to
 * ask (only when the person asked, or turned on the check at start) and keeps the status.
 */
export interface Updater {
  /** null: the running version is the newest. */
  check(): Promise<UpdateFound | null>;
  download(onProgress: (fraction: number) => void): Promise<void>;
  /** Quits the app, installs the downloaded update and starts the new version. */
  install(): void;
}

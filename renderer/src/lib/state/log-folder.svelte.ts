import { api } from "../api/client.js";

export interface LogFolderGateway {
  /** Opens the log folder where the core can (Electron); else says where it is. */
  open(): Promise<{ opened: boolean; folder: string }>;
}

export const coreLogFolderGateway: LogFolderGateway = {
  open: () => api.call("app.openLogFolder", {}),
};

/**
 * "Open log folder" in Settings and beside error notices. In Electron the folder opens; in serve
 * mode the core runs on another computer than the browser may, so its path is shown to copy.
 */
export class LogFolder {
  #shownPath = $state<string | null>(null);
  #problem = $state<string | null>(null);

  constructor(private readonly gateway: LogFolderGateway = coreLogFolderGateway) {}

  /** The folder's path when it could not be opened here (shown with a copy button); null otherwise. */
  get shownPath(): string | null {
    return this.#shownPath;
  }

  get problem(): string | null {
    return this.#problem;
  }

  async open(): Promise<void> {
    try {
      const { opened, folder } = await this.gateway.open();
      this.#shownPath = opened ? null : folder;
      this.#problem = null;
    } catch (err) {
      this.#problem = `The log folder could not be opened: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
}

import type { AppInfo, HardwareSummary } from "$shared/contract/app.js";
import { api } from "../api/client.js";
import { messageOf } from "../attempt.js";

/** The status line's data: the core's version and a hardware summary, fetched once on start. */
export class AppStatus {
  #info = $state<AppInfo | undefined>();
  #hardware = $state<HardwareSummary | undefined>();
  #connected = $state(false);
  #error = $state<string | undefined>();

  get info(): AppInfo | undefined {
    return this.#info;
  }

  get hardware(): HardwareSummary | undefined {
    return this.#hardware;
  }

  get connected(): boolean {
    return this.#connected;
  }

  get error(): string | undefined {
    return this.#error;
  }

  async load(): Promise<void> {
    api.onConnectionChange((connected) => (this.#connected = connected));
    try {
      [this.#info, this.#hardware] = await Promise.all([api.call("app.info", {}), api.call("app.hardwareSummary", {})]);
    } catch (err) {
      this.#error = messageOf(err);
    }
  }
}

export const appStatus = new AppStatus();

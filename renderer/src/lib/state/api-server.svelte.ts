import type { ApiServerStatus } from "../../../../electron/shared/contract/api.js";
import { api } from "../api/client.js";
import type { SettingsState } from "./settings.svelte.js";
import { messageOf } from "../attempt.js";

/** The local OpenAI-compatible API: on/off and port live in settings; address and key come from the core. */
export class ApiServerState {
  status = $state<ApiServerStatus | undefined>();
  error = $state<string | undefined>();

  constructor(private readonly settings: () => SettingsState) {}

  async refresh(): Promise<void> {
    try {
      this.status = await api.call("api.status", {});
    } catch (err) {
      this.error = messageOf(err);
    }
  }

  async setEnabled(enabled: boolean): Promise<void> {
    if (await this.settings().update({ apiServer: { enabled } })) await this.refresh();
  }

  async setPort(port: number): Promise<void> {
    if (await this.settings().update({ apiServer: { port } })) await this.refresh();
  }

  async rotateKey(): Promise<void> {
    this.status = await api.call("api.rotateKey", {});
  }
}

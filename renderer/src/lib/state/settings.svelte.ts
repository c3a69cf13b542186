import type { ClientSettings as Settings, SettingsPatch, SettingsView, Theme } from "$shared/contract/settings.js";
import { api } from "../api/client.js";
import { messageOf } from "../attempt.js";

export type { Settings, SettingsPatch, Theme };

export interface SettingsGateway {
  get(): Promise<SettingsView>;
  update(patch: SettingsPatch): Promise<Settings>;
  onChanged(listener: (settings: Settings) => void): () => void;
}

export const coreSettingsGateway: SettingsGateway = {
  get: () => api.call("settings.get", {}),
  update: async (patch) => (await api.call("settings.update", { patch })).settings,
  onChanged: (listener) => api.on("settings.changed", (e) => listener(e.settings)),
};

/** Theme on <html data-theme>; "system" removes it so the stylesheet follows the OS. */
export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  if (theme === "system") delete root.dataset.theme;
  else root.dataset.theme = theme;
}

/** The settings as the core keeps them; every change is one validated patch. */
export class SettingsState {
  #current = $state<Settings | undefined>();
  #defaults = $state<Settings | undefined>();
  #notices = $state<string[]>([]);
  #error = $state<string | undefined>();
  #saved = $state(false);

  /** `onAccepted` hears each settings the core confirms: loaded, saved here, or changed elsewhere. */
  constructor(
    private readonly gateway: SettingsGateway = coreSettingsGateway,
    private readonly onAccepted: (settings: Settings) => void = () => {},
  ) {}

  get current(): Settings | undefined {
    return this.#current;
  }

  get defaults(): Settings | undefined {
    return this.#defaults;
  }

  get notices(): string[] {
    return this.#notices;
  }

  get error(): string | undefined {
    return this.#error;
  }

  get saved(): boolean {
    return this.#saved;
  }

  connect(): void {
    this.gateway.onChanged((settings) => this.accept(settings));
  }

  async load(): Promise<void> {
    try {
      const view = await this.gateway.get();
      this.#defaults = view.defaults;
      this.#notices = view.notices;
      this.accept(view.settings);
    } catch (err) {
      this.#error = messageOf(err);
    }
  }

  async update(patch: SettingsPatch): Promise<boolean> {
    this.#saved = false;
    try {
      this.accept(await this.gateway.update(patch));
      this.#error = undefined;
      this.#saved = true;
      return true;
    } catch (err) {
      this.#error = messageOf(err);
      return false;
    }
  }

  private accept(settings: Settings): void {
    this.#current = settings;
    if (typeof document !== "undefined") applyTheme(settings.theme);
    this.onAccepted(settings);
  }
}

import type { ClientSettings, Settings } from "../../shared/contract/settings.js";

/** What a client may see of the settings: the hub token only as "set" and its last four characters. */
export function settingsForClient(settings: Settings): ClientSettings {
  const { token, endpoint } = settings.hub;
  return { ...settings, hub: { endpoint, tokenSet: token !== null, tokenHint: token ? token.slice(-4) : null } };
}
